/** The core module's one configuration type, {@link io.causalloop.core.CoreConfig}. */
package io.causalloop.core;

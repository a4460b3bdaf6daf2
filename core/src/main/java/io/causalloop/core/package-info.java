/**
 * The core module's one configuration type, {@link io.causalloop.core.CoreConfig}, and a small
 * helper the state formats share, {@link io.causalloop.core.ModifiedUtf8}.
 */
package io.causalloop.core;

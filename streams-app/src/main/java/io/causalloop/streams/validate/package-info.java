/** Input validation and dead letters, through the Streams exception handlers. */
package io.causalloop.streams.validate;

/** The generation-rating join: one store keyed by generation id, event-time windows, late and orphan ratings. */
package io.causalloop.streams.join;

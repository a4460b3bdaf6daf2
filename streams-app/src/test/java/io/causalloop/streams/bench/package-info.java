/** The streams app's benchmark against raw produce+consume and a bare DSL join (a main, not a test). */
package io.causalloop.streams.bench;

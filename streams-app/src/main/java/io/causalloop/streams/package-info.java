/** The causal-loop streams app: its configuration, topology and process. */
package io.causalloop.streams;

/** Micro-batches of direct outcomes with offset lineage. */
package io.causalloop.streams.batch;

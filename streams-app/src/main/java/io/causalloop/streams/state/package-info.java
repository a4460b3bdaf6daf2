/** State-store building blocks of the streams app: the write-behind key-value store. */
package io.causalloop.streams.state;

/** Serializers of the app's own outputs: the registry's wire format through Avro's generated coders. */
package io.causalloop.streams.serde;

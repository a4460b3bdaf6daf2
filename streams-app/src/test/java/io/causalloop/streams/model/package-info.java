/** Unit tests of the models' helpers. */
package io.causalloop.streams.model;

/** Reading a process's settings: properties files with environment overrides, shared by every app. */
package io.causalloop.config;

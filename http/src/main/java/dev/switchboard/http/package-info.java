/**
 * The edge of Switchboard: the launcher ({@link dev.switchboard.http.Main}, {@link
 * dev.switchboard.http.SwitchboardApp}) and the HTTP server. Depends on the engine and the
 * channels; nothing depends on it.
 */
package dev.switchboard.http;

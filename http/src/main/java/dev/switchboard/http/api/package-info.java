/**
 * The HTTP API of API.md: one routes class per resource, request parsing and validation, and the
 * error body every 4xx/5xx carries.
 */
package dev.switchboard.http.api;

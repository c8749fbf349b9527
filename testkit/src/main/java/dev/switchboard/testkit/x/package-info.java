/**
 * A stand-in for the X API over real HTTP on 127.0.0.1 ({@link dev.switchboard.testkit.x.XStub}):
 * the DM send endpoint and the OAuth 2.0 token endpoint checked as X checks them, X's success and
 * error bodies, rate-limit headers, usage caps and rotating refresh tokens, and X's side of the
 * webhook (the CRC and signed events). Depends on the JDK's HTTP server and client and Jackson.
 */
package dev.switchboard.testkit.x;

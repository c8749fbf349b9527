/**
 * A stand-in for Twilio's Messages API over real HTTP on 127.0.0.1 ({@link TwilioStub}): checks
 * every request as Twilio does, answers with Twilio's bodies, misbehaves on demand, and calls back
 * (status callbacks, inbound SMS) signed as Twilio signs. Depends on the JDK and Jackson only.
 */
package dev.switchboard.testkit.twilio;

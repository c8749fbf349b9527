/**
 * An SMSC simulator over real TCP (jsmpp's server side): what the SMPP provider's tests and the
 * benchmark bind to, with the misbehaviours of real SMSCs on demand. Depends on jsmpp only.
 */
package dev.switchboard.testkit.smsc;

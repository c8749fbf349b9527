/**
 * The SMPP 3.4 provider: the SMS wire codec (GSM-7 and UCS-2 encoding, segmenting with a UDH,
 * mobile-originated decoding and reassembly, delivery receipts, message ids, command_status
 * classification, addresses and validity) as pure functions, and the adapter that speaks it over a
 * jsmpp session. Depends on the engine's provider SPI and message package, jsmpp and Typesafe
 * Config only.
 */
package dev.switchboard.channels.smpp;

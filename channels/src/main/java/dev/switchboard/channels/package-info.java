/**
 * Channel providers behind the engine's SPI, one package per provider; they depend on the engine
 * only.
 */
package dev.switchboard.channels;

/**
 * Our own AMQP layer on the RabbitMQ Java client: per channel, a supervisor owning a publisher and
 * a consumer connection, topology declared from data on every connect, every call bounded by a
 * timeout. Recovery has one owner, the actor restart with backoff; the client's automatic recovery
 * is off.
 */
package dev.switchboard.engine.broker;

/** Test support: private RabbitMQ nodes and other real parts for integration tests. */
package dev.switchboard.engine.testing;

/**
 * @since 0.1.0
 */
export * as FakeDocSpace from "./FakeDocSpace.js"

/**
 * @since 0.1.0
 */
export * as FakeServer from "./FakeServer.js"

/**
 * @since 0.1.0
 */
export * as MockTransport from "./MockTransport.js"

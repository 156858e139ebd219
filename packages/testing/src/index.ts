/**
 * @since 0.1.0
 */
export * as FakeDocSpace from "./FakeDocSpace.js"

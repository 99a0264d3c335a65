export { FooService };

// cdktf captures a complete stack trace for every token it creates, to point at the creation site in its
// error messages. Under jest, each trace is mapped through the inline source maps of cdktf and of the
// Google provider, which doubles the time of the Google Cloud tests; no test reads those traces.
jest.mock('cdktf/lib/tokens/private/stack-trace', () => ({ captureStackTrace: (): string[] => [] }));

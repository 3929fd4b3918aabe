/** Runs a command's `main`, exiting with its code; an error is one line on stderr and exit 1, never a stack trace. */
export function runMain(main: () => Promise<number>): void {
  main().then(
    (code) => process.exit(code),
    (error: unknown) => {
      console.error(error instanceof Error ? error.message : error);
      process.exit(1);
    },
  );
}

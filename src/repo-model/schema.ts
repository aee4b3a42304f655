import { z } from 'zod';

export const Language = z.enum(['javascript', 'typescript', 'python', 'go', 'rust', 'java', 'make']);
export type Language = z.infer<typeof Language>;

export const TestFramework = z.enum(['node-test', 'jest', 'vitest', 'mocha', 'npm-script', 'pytest', 'go-test', 'cargo-test', 'maven', 'gradle', 'make', 'unknown']);
export type TestFramework = z.infer<typeof TestFramework>;

export const PackageManager = z.enum(['npm', 'pnpm', 'yarn', 'pip', 'go', 'cargo', 'maven', 'gradle']);
export type PackageManager = z.infer<typeof PackageManager>;

/** One command from the fixed table: an argv (never a shell string) and whether it needs the network. */
export const RepoCommand = z.object({
  argv: z.array(z.string().min(1)).min(1),
  network: z.boolean(),
  /** Which file made us pick it. */
  source: z.string(),
});
export type RepoCommand = z.infer<typeof RepoCommand>;

export const RepoModel = z.object({
  languages: z.array(Language),
  packageManager: PackageManager.nullable(),
  testFramework: TestFramework,
  commands: z.object({
    install: RepoCommand.optional(),
    build: RepoCommand.optional(),
    test: RepoCommand.optional(),
    lint: RepoCommand.optional(),
    typecheck: RepoCommand.optional(),
  }),
  /** Files read to reach the model, for reports. */
  evidence: z.array(z.string()),
});
export type RepoModel = z.infer<typeof RepoModel>;

/** The parts of package.json we read; everything else is ignored. */
export const PackageJson = z.object({
  scripts: z.record(z.string(), z.string()).optional(),
  dependencies: z.record(z.string(), z.string()).optional(),
  devDependencies: z.record(z.string(), z.string()).optional(),
  packageManager: z.string().optional(),
}).loose();
export type PackageJson = z.infer<typeof PackageJson>;

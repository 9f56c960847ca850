import { configJsonSchema } from '../../config/schema.ts';
import type { GlobalOptions } from './options.ts';

/**
 * `schema`: the JSON Schema of the config file, for editors. It takes `-c` like every command,
 * but the schema is the same whatever the file, so the file is not read.
 */
export async function schemaCommand(_opts: GlobalOptions): Promise<number> {
  process.stdout.write(`${JSON.stringify(configJsonSchema(), null, 2)}\n`);
  return 0;
}

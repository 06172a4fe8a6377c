import { TerraformOutput } from 'cdktf';
import { Construct } from 'constructs';

/** An output with a plain name (`terraform output <name>`), not one derived from the construct path. */
export function namedOutput(scope: Construct, name: string, value: string, description: string, sensitive = false): TerraformOutput {
  const output = new TerraformOutput(scope, name, { value, description, sensitive: sensitive || undefined });
  output.overrideLogicalId(name);
  return output;
}

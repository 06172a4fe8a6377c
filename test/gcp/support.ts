// Brings the type declarations of cdktf's jest matchers (toHaveResourceWithProperties …).
import type {} from 'cdktf/lib/testing/adapters/jest';
import { Testing } from 'cdktf';
import { Construct } from 'constructs';
import { DeploymentDescription, DeploymentDescriptionProps } from '../../lib/shared';

Testing.setupJest();

export const description = (props: Partial<DeploymentDescriptionProps> = {}) => DeploymentDescription.of({
  projectId: 'acme-prod-db', region: 'europe-west1', bucketName: 'acme-crdb-backups', ...props,
});

/** Synthesizes a scope: the JSON string for cdktf's matchers and the parsed document for precise checks. */
export function synthScope(fn: (scope: Construct) => void): { json: string; doc: any; resources: (type: string) => any[] } {
  const json = Testing.synthScope(fn);
  const doc = JSON.parse(json);
  return { json, doc, resources: (type: string) => Object.values(doc.resource?.[type] ?? {}) };
}

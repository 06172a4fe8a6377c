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

/** The book's three-region deployment (as apps/ has it), with changes. */
export const multiRegionDescription = (props: Partial<DeploymentDescriptionProps> = {}) => DeploymentDescription.of({
  projectId: 'crdb-book-demo',
  gkeClusterName: 'crdb-global',
  namespace: 'cockroachdb-global',
  bucketName: 'crdb-book-demo-global-backups',
  regions: [
    { region: 'europe-west1', zones: ['europe-west1-b', 'europe-west1-c', 'europe-west1-d'] },
    { region: 'us-east1', zones: ['us-east1-b', 'us-east1-c', 'us-east1-d'] },
    { region: 'asia-southeast1', zones: ['asia-southeast1-a', 'asia-southeast1-b', 'asia-southeast1-c'] },
  ],
  ...props,
});

/** The regions of the book's deployment. */
export const REGIONS = ['europe-west1', 'us-east1', 'asia-southeast1'];

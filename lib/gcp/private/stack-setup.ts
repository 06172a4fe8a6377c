import { GoogleProvider } from '@cdktf/provider-google/lib/provider';
import { TerraformStack } from 'cdktf';
import type { GkeCluster } from '../gke-cluster';
import { namedOutput } from '../outputs';
import { ProjectApis } from '../project-apis';
import { StateBackend } from '../state-backend';
import type { CockroachStackProps } from '../stacks';

/** What every stack starts with: the provider, the state backend and the APIs it needs. */
export function setUpStack(stack: TerraformStack, props: CockroachStackProps, apis: string[]): ProjectApis | undefined {
  const d = props.description;
  new GoogleProvider(stack, 'google', { project: d.projectId, region: d.region });
  (props.stateBackend ?? StateBackend.local())._bind(stack, d);
  return (props.enableApis ?? true) ? new ProjectApis(stack, 'Apis', { description: d, services: apis }) : undefined;
}

/** The output `name`: the gcloud command that configures kubectl for the cluster. */
export function credentialsOutput(stack: TerraformStack, name: string, gke: GkeCluster, projectId: string): void {
  // With a private endpoint only, kubectl must be given the internal address (from inside the VPC).
  const internal = gke.controlPlaneAccess.privateEndpoint ? ' --internal-ip' : '';
  namedOutput(stack, name,
    `gcloud container clusters get-credentials ${gke.clusterName} ${gke.gcloudLocationFlag} --project ${projectId}${internal}`,
    internal ? 'Configures kubectl for the cluster\'s private endpoint (run it inside the VPC, see the README)' : 'Configures kubectl for the cluster');
}

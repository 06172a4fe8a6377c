import { ProjectService } from '@cdktf/provider-google/lib/project-service';
import { Aspects, dependable, IAspect, TerraformResource, TerraformStack } from 'cdktf';
import { Construct, IConstruct } from 'constructs';
import { DeploymentDescription } from '../shared/description';
import { terraformId } from './terraform-id';

/** The APIs {@link BackupsStack} calls: Cloud Storage (the bucket and its IAM) and IAM (the service account). */
export const BACKUPS_STACK_APIS = ['iam.googleapis.com', 'storage.googleapis.com'];

/**
 * The APIs {@link GkeStack} calls or its cluster needs: Kubernetes Engine and Compute Engine (nodes,
 * network), IAM (the node service account, the Workload Identity binding), IAM Service Account
 * Credentials (the tokens Workload Identity issues to the pods), Cloud Logging and Cloud Monitoring
 * (what the nodes write with their service account's roles).
 */
export const GKE_STACK_APIS = [
  'compute.googleapis.com', 'container.googleapis.com', 'iam.googleapis.com', 'iamcredentials.googleapis.com',
  'logging.googleapis.com', 'monitoring.googleapis.com',
];

/** Cloud KMS, which a stack also enables when it creates or grants a customer-managed key. */
export const KMS_API = 'cloudkms.googleapis.com';

/** Binary Authorization, which {@link GkeStack} also enables when its cluster enforces a policy. */
export const BINARY_AUTHORIZATION_API = 'binaryauthorization.googleapis.com';

/**
 * Identity-Aware Proxy, which {@link GkeStack} also enables when the description has `dbConsoleIap` (the
 * grants of {@link DbConsoleIap} call it, and GKE's Ingress turns IAP on through it).
 */
export const IAP_API = 'iap.googleapis.com';

/** Certificate Authority Service: the CA pool and root CA of a multi-region deployment. */
export const PRIVATECA_API = 'privateca.googleapis.com';

/** Cloud DNS, which GKE's Cloud DNS for GKE (the regions' VPC-scope names) needs enabled. */
export const DNS_API = 'dns.googleapis.com';

/**
 * The APIs {@link MultiRegionGkeStack} calls: {@link GKE_STACK_APIS}, Cloud DNS (each cluster's names for the
 * VPC) and Certificate Authority Service (the CA every region issues from).
 */
export const MULTI_REGION_GKE_STACK_APIS = [...GKE_STACK_APIS, DNS_API, PRIVATECA_API];

/** The API {@link BackupKeyStack} calls: IAM (the service account key). */
export const BACKUP_KEY_STACK_APIS = ['iam.googleapis.com'];

/** Properties of {@link ProjectApis}. */
export interface ProjectApisProps {
  /** The deployment: the project comes from it. */
  readonly description: DeploymentDescription;
  /** Service names, e.g. `container.googleapis.com`. */
  readonly services: string[];
}

/**
 * Enables Google Cloud APIs in the project (`google_project_service`) and makes every other resource of
 * the stack wait for them, so that a first deployment into a new project does not fail half-way on a
 * disabled API.
 *
 * `disable_on_destroy` and `disable_dependent_services` are false: several stacks (and anything else in
 * the project) share an API, and destroying one stack must never switch it off for the others.
 *
 * The Service Usage and Cloud Resource Manager APIs must already be on: `google_project_service` itself
 * calls them (they are on in a project created with the console or gcloud).
 */
export class ProjectApis extends Construct {
  /** The `google_project_service` resources (escape hatch), in the order of `services`. */
  public readonly services: ProjectService[];

  constructor(scope: Construct, id: string, props: ProjectApisProps) {
    super(scope, id);
    this.services = props.services.map((service) => {
      const api = new ProjectService(this, service, {
        project: props.description.projectId,
        service,
        disableOnDestroy: false,
        disableDependentServices: false,
      });
      api.overrideLogicalId(terraformId('api', service));
      return api;
    });
    Aspects.of(TerraformStack.of(this)).add(new WaitForApis(this.services));
  }
}

/** Adds the APIs to `depends_on` of every resource of the stack that is not itself an API, once. */
class WaitForApis implements IAspect {
  private readonly done = new WeakSet<TerraformResource>();

  constructor(private readonly apis: ProjectService[]) {}

  public visit(node: IConstruct): void {
    if (!TerraformResource.isTerraformResource(node) || node instanceof ProjectService || this.done.has(node)) return;
    this.done.add(node);
    node.dependsOn = [...(node.dependsOn ?? []), ...this.apis.map((api) => dependable(api))];
  }
}

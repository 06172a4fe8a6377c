// ensure-gke-crds installs GKE's BackendConfig CRD (backendconfigs.cloud.google.com, cloud.google.com/v1
// and v1beta1) in the API server of a kubeconfig, exactly as GKE's ingress controller does.
//
// Why a program and not a YAML file: k8s.io/ingress-gce ships no CRD manifest. The controller (glbc,
// cmd/glbc/main.go) builds the CRD at run time from its Go types' OpenAPI definitions and creates or
// updates it with crd.NewCRDHandler(client, logger).EnsureCRD(backendconfig.CRDMeta(), true), then waits
// for it to be Established. Running that same code against the cluster harness's real kube-apiserver
// gives the cluster tests the real thing: the schema, scope and versions that GKE serves, validated by
// a real API server. Built by test/ingress-gce/build.sh from the Go module proxy (k8s.io/ingress-gce,
// pinned in go.mod).
//
//	ensure-gke-crds --kubeconfig <path>
//
// It prints the CRD's name and its served versions, one line.
package main

import (
	"flag"
	"fmt"
	"os"
	"strings"

	crdclient "k8s.io/apiextensions-apiserver/pkg/client/clientset/clientset"
	"k8s.io/client-go/tools/clientcmd"
	"k8s.io/ingress-gce/pkg/backendconfig"
	"k8s.io/ingress-gce/pkg/crd"
	"k8s.io/klog/v2"
)

func main() {
	kubeconfig := flag.String("kubeconfig", "", "the kubeconfig of the API server to install the CRDs in (required)")
	flag.Parse()
	if *kubeconfig == "" || flag.NArg() > 0 {
		fmt.Fprintln(os.Stderr, "usage: ensure-gke-crds --kubeconfig <path>")
		os.Exit(2)
	}
	if err := run(*kubeconfig); err != nil {
		fmt.Fprintf(os.Stderr, "ensure-gke-crds: %v\n", err)
		os.Exit(1)
	}
}

func run(kubeconfig string) error {
	config, err := clientcmd.BuildConfigFromFlags("", kubeconfig)
	if err != nil {
		return fmt.Errorf("reading %s: %w", kubeconfig, err)
	}
	config.UserAgent = "ensure-gke-crds"
	client, err := crdclient.NewForConfig(config)
	if err != nil {
		return fmt.Errorf("apiextensions client: %w", err)
	}
	// The controller's own logger (klog, on stderr): its "Creating CRD..." and "CRD is Established" lines.
	// true: namespace-scoped, as glbc asks for BackendConfig.
	got, err := crd.NewCRDHandler(client, klog.Background()).EnsureCRD(backendconfig.CRDMeta(), true)
	if err != nil {
		return err
	}
	var served []string
	for _, v := range got.Spec.Versions {
		if v.Served {
			name := v.Name
			if v.Storage {
				name += " (storage)"
			}
			served = append(served, name)
		}
	}
	fmt.Printf("%s %s served: %s\n", got.Name, got.Spec.Scope, strings.Join(served, ", "))
	return nil
}

// Command cert-manager-controller runs cert-manager's own controllers for the
// real-control-plane tests.
//
// cert-manager publishes its controller binary from a nested module
// (cmd/controller) that the Go module proxy does not serve. The root module
// github.com/cert-manager/cert-manager is served and holds every controller:
// each registers itself with pkg/controller when its package is imported. This
// main imports the controllers that the CA and SelfSigned issuers need, builds
// the shared controller context from a kubeconfig and runs them. It starts no
// webhook (the CRDs' OpenAPI schemas still validate every object the tests
// apply), no leader election, no ACME, Vault, Venafi or Gateway controllers.
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"sort"
	"sync"
	"syscall"
	"time"

	controllerpkg "github.com/cert-manager/cert-manager/pkg/controller"
	"k8s.io/klog/v2"

	// Controllers: each package registers itself in an init function.
	_ "github.com/cert-manager/cert-manager/pkg/controller/certificaterequests/approver"
	_ "github.com/cert-manager/cert-manager/pkg/controller/certificaterequests/ca"
	_ "github.com/cert-manager/cert-manager/pkg/controller/certificaterequests/selfsigned"
	_ "github.com/cert-manager/cert-manager/pkg/controller/certificates/issuing"
	_ "github.com/cert-manager/cert-manager/pkg/controller/certificates/keymanager"
	_ "github.com/cert-manager/cert-manager/pkg/controller/certificates/readiness"
	_ "github.com/cert-manager/cert-manager/pkg/controller/certificates/requestmanager"
	_ "github.com/cert-manager/cert-manager/pkg/controller/certificates/revisionmanager"
	_ "github.com/cert-manager/cert-manager/pkg/controller/certificates/trigger"
	_ "github.com/cert-manager/cert-manager/pkg/controller/clusterissuers"
	_ "github.com/cert-manager/cert-manager/pkg/controller/issuers"
	// Issuer types that the issuers and clusterissuers controllers set up.
	_ "github.com/cert-manager/cert-manager/pkg/issuer/ca"
	_ "github.com/cert-manager/cert-manager/pkg/issuer/selfsigned"
)

func main() {
	kubeconfig := flag.String("kubeconfig", "", "path to the kubeconfig of the API server")
	clusterResourceNamespace := flag.String("cluster-resource-namespace", "cert-manager", "namespace of the Secrets that ClusterIssuers read")
	workers := flag.Int("workers", 2, "workers per controller")
	klog.InitFlags(nil)
	flag.Parse()
	if *kubeconfig == "" {
		fmt.Fprintln(os.Stderr, "cert-manager-controller: --kubeconfig is required")
		os.Exit(2)
	}

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()

	factory, err := controllerpkg.NewContextFactory(ctx, controllerpkg.ContextOptions{
		Kubeconfig:         *kubeconfig,
		KubernetesAPIQPS:   50,
		KubernetesAPIBurst: 100,
		IssuerOptions: controllerpkg.IssuerOptions{
			ClusterResourceNamespace: *clusterResourceNamespace,
		},
		CertificateOptions: controllerpkg.CertificateOptions{
			CertificateRequestMinimumBackoffDuration: time.Hour,
			CertificateRequestMaximumBackoffDuration: 32 * time.Hour,
		},
	})
	if err != nil {
		klog.Fatalf("controller context: %v", err)
	}

	known := controllerpkg.Known()
	names := make([]string, 0, len(known))
	for name := range known {
		names = append(names, name)
	}
	sort.Strings(names)

	var running sync.WaitGroup
	for _, name := range names {
		controller, err := known[name](factory)
		if err != nil {
			klog.Fatalf("controller %s: %v", name, err)
		}
		running.Add(1)
		go func() {
			defer running.Done()
			if err := controller.Run(*workers, ctx); err != nil {
				klog.Errorf("controller %s stopped: %v", name, err)
				stop()
			}
		}()
	}

	// The informers are shared by every controller; start them once all
	// controllers have registered their handlers.
	shared, err := factory.Build()
	if err != nil {
		klog.Fatalf("controller context: %v", err)
	}
	shared.KubeSharedInformerFactory.Start(ctx.Done())
	shared.SharedInformerFactory.Start(ctx.Done())
	klog.Infof("cert-manager controllers running: %v", names)

	running.Wait()
}

// Command etcd runs a single-member etcd for the real-control-plane tests: the
// server library go.etcd.io/etcd/server/v3/embed in a small main, listening on
// loopback only. The data directory is the caller's (a temporary directory).
package main

import (
	"flag"
	"fmt"
	"net/url"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"go.etcd.io/etcd/server/v3/embed"
)

func loopbackURL(flagName, raw string) url.URL {
	u, err := url.Parse(raw)
	if err != nil || u.Hostname() != "127.0.0.1" {
		fmt.Fprintf(os.Stderr, "etcd: --%s must be an http://127.0.0.1:<port> URL, got %q\n", flagName, raw)
		os.Exit(2)
	}
	return *u
}

func main() {
	dir := flag.String("data-dir", "", "data directory")
	client := flag.String("listen-client-url", "", "client URL, http://127.0.0.1:<port>")
	peer := flag.String("listen-peer-url", "", "peer URL, http://127.0.0.1:<port>")
	flag.Parse()
	if *dir == "" || *client == "" || *peer == "" {
		fmt.Fprintln(os.Stderr, "etcd: --data-dir, --listen-client-url and --listen-peer-url are required")
		os.Exit(2)
	}

	cfg := embed.NewConfig()
	cfg.Name = "harness"
	cfg.Dir = *dir
	clientURL := loopbackURL("listen-client-url", *client)
	peerURL := loopbackURL("listen-peer-url", *peer)
	cfg.ListenClientUrls = []url.URL{clientURL}
	cfg.AdvertiseClientUrls = []url.URL{clientURL}
	cfg.ListenPeerUrls = []url.URL{peerURL}
	cfg.AdvertisePeerUrls = []url.URL{peerURL}
	cfg.InitialCluster = cfg.InitialClusterFromName(cfg.Name)
	// The data is thrown away after each run: skip fsync, keep logs short.
	cfg.UnsafeNoFsync = true
	cfg.LogLevel = "error"

	server, err := embed.StartEtcd(cfg)
	if err != nil {
		fmt.Fprintf(os.Stderr, "etcd: %v\n", err)
		os.Exit(1)
	}
	defer server.Close()

	select {
	case <-server.Server.ReadyNotify():
		fmt.Printf("etcd ready on %s\n", strings.TrimSuffix(clientURL.String(), "/"))
	case <-time.After(60 * time.Second):
		fmt.Fprintln(os.Stderr, "etcd: not ready after 60 s")
		os.Exit(1)
	}

	signals := make(chan os.Signal, 1)
	signal.Notify(signals, os.Interrupt, syscall.SIGTERM)
	select {
	case err := <-server.Err():
		fmt.Fprintf(os.Stderr, "etcd: %v\n", err)
		os.Exit(1)
	case <-signals:
	}
}

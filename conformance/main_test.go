package conformance

import (
	"os"
	"testing"

	"github.com/go-logr/logr"
	"k8s.io/klog/v2"
	ctrllog "sigs.k8s.io/controller-runtime/pkg/log"
)

// TestMain silences the upstream controllers' klog output (thousands of
// "Starting controller" lines that would bury a failure's report in CI's
// log) unless KUBESEM_KLOG is set.
func TestMain(m *testing.M) {
	if os.Getenv("KUBESEM_KLOG") == "" {
		klog.SetLogger(logr.Discard())
	}
	// controller-runtime's clients log through their own root logger.
	ctrllog.SetLogger(logr.Discard())
	os.Exit(m.Run())
}

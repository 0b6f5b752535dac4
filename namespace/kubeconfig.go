package namespace

import (
	"fmt"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/yaml"
)

// kubeconfig holds the only fields of a kubeconfig file that decide the
// default namespace.
type kubeconfig struct {
	CurrentContext string `json:"current-context"`
	Contexts       []struct {
		Name    string `json:"name"`
		Context struct {
			Namespace string `json:"namespace"`
		} `json:"context"`
	} `json:"contexts"`
}

// Resolve returns the namespace kubectl works in: explicit (the
// --namespace / -n flag) when set, else the namespace of the kubeconfig's
// current context, else "default" — what `kubectl config set-context
// --current --namespace=NAME` changes in the tutorial. kubeconfig is the
// file's content (nil for none); only current-context and the contexts'
// namespaces are read, without client-go. A current context that is not
// listed counts as no namespace. Merging several files (KUBECONFIG) is the
// caller's business.
func Resolve(explicit string, kubeconfigYAML []byte) (string, error) {
	if explicit != "" {
		return explicit, nil
	}
	if len(kubeconfigYAML) == 0 {
		return Default, nil
	}
	var c kubeconfig
	if err := yaml.Unmarshal(kubeconfigYAML, &c); err != nil {
		return "", fmt.Errorf("error loading config file: %w", err)
	}
	for _, ctx := range c.Contexts {
		if ctx.Name == c.CurrentContext && ctx.Context.Namespace != "" {
			return ctx.Context.Namespace, nil
		}
	}
	return Default, nil
}

// CreateDryRun is `kubectl create namespace NAME --dry-run=client -o
// yaml`: the Namespace kubectl would send, printed as kubectl prints it.
// kubectl checks only that a name is given; the API server validates the
// rest when the object is created (see Validate).
func CreateDryRun(name string) ([]byte, error) {
	if name == "" {
		return nil, fmt.Errorf("exactly one NAME is required, got 0")
	}
	ns := &corev1.Namespace{TypeMeta: metav1.TypeMeta{APIVersion: "v1", Kind: "Namespace"}, ObjectMeta: metav1.ObjectMeta{Name: name}}
	return yaml.Marshal(ns)
}

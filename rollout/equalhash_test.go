package rollout

import (
	"testing"

	corev1 "k8s.io/api/core/v1"
	apiequality "k8s.io/apimachinery/pkg/api/equality"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"pgregory.net/rapid"
)

// equalIgnoreHashByCopy is EqualIgnoreHash as upstream's
// EqualIgnoreHash is written (deployment_util.go): both templates
// copied, the hash label deleted from the copies, semantic equality.
func equalIgnoreHashByCopy(a, b *corev1.PodTemplateSpec) bool {
	if a == nil || b == nil {
		return a == b
	}
	ac, bc := a.DeepCopy(), b.DeepCopy()
	delete(ac.Labels, PodTemplateHashLabel)
	delete(bc.Labels, PodTemplateHashLabel)
	return apiequality.Semantic.DeepEqual(ac, bc)
}

// EqualIgnoreHash, which compares without copying, decides as the
// copying comparison does on templates that differ by a few edits, some
// of them semantic no-ops (nil for empty labels, 1 for 1000m, a hash
// label on one side only).
func TestPropertyEqualIgnoreHash(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		template := func(label string) *corev1.PodTemplateSpec {
			tp := &corev1.PodTemplateSpec{}
			if n := rapid.IntRange(-1, 2).Draw(t, label+"Labels"); n >= 0 {
				tp.Labels = map[string]string{}
				for range n {
					tp.Labels[rapid.SampledFrom([]string{"app", "tier", PodTemplateHashLabel}).Draw(t, label+"Key")] = rapid.SampledFrom([]string{"a", "b"}).Draw(t, label+"Value")
				}
			}
			if rapid.Bool().Draw(t, label+"Annotated") {
				tp.Annotations = map[string]string{"note": rapid.SampledFrom([]string{"x", "y"}).Draw(t, label+"Note")}
			}
			c := corev1.Container{Name: "c", Image: rapid.SampledFrom([]string{"app:v1", "app:v2"}).Draw(t, label+"Image")}
			if rapid.Bool().Draw(t, label+"Requests") {
				c.Resources.Requests = corev1.ResourceList{corev1.ResourceCPU: resource.MustParse(rapid.SampledFrom([]string{"1", "1000m", "2"}).Draw(t, label+"CPU"))}
			}
			if rapid.Bool().Draw(t, label+"EmptyEnv") {
				c.Env = []corev1.EnvVar{}
			}
			tp.Spec.Containers = []corev1.Container{c}
			if rapid.Bool().Draw(t, label+"Grace") {
				g := int64(rapid.IntRange(29, 30).Draw(t, label+"Seconds"))
				tp.Spec.TerminationGracePeriodSeconds = &g
			}
			return tp
		}
		var a, b *corev1.PodTemplateSpec
		if !rapid.Bool().Draw(t, "aNil") {
			a = template("a")
		}
		switch {
		case rapid.Bool().Draw(t, "bNil"):
		case a != nil && rapid.Bool().Draw(t, "bFromA"):
			b = a.DeepCopy()
			switch rapid.IntRange(0, 3).Draw(t, "edit") {
			case 0:
				if b.Labels == nil {
					b.Labels = map[string]string{}
				}
				b.Labels[PodTemplateHashLabel] = "abc"
			case 1:
				if len(b.Labels) == 0 {
					b.Labels = nil
				}
			case 2:
				b.Spec.Containers[0].Env = nil
			case 3:
				b.ObjectMeta.CreationTimestamp = metav1.Unix(5, 0)
			}
		default:
			b = template("b")
		}
		want := equalIgnoreHashByCopy(a, b)
		if got := EqualIgnoreHash(a, b); got != want {
			t.Fatalf("EqualIgnoreHash = %t, the copying comparison = %t\na: %+v\nb: %+v", got, want, a, b)
		}
		if got := EqualIgnoreHash(b, a); got != want {
			t.Fatalf("EqualIgnoreHash(b, a) = %t, the copying comparison = %t", got, want)
		}
	})
}

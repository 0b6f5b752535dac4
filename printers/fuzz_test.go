package printers

import (
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// FuzzPodStatus builds a pod with one init container and one container
// from arbitrary phases, reasons, exit codes, restart counts, names and
// times: the cell functions never panic, never change the pod, agree with
// the row of Pods, and the row is one line with no control character
// (rules 6, 7, 13).
func FuzzPodStatus(f *testing.F) {
	f.Add("Running", "", "", "", int32(0), int32(0), int32(0), uint8(0b0011), "kubia", int64(300))
	f.Add("Running", "", "CrashLoopBackOff", "Error", int32(137), int32(0), int32(3), uint8(0b0000), "kubia-liveness", int64(45))
	f.Add("Pending", "", "PodInitializing", "", int32(0), int32(0), int32(0), uint8(0b0100), "kubia-init", int64(10))
	f.Add("Failed", "Evicted", "", "", int32(0), int32(0), int32(0), uint8(0b0000), "evicted", int64(0))
	f.Add("Running", "NodeLost", "", "", int32(0), int32(0), int32(0), uint8(0b1011), "lost", int64(-5))
	f.Add("Succeeded", "", "", "Completed", int32(0), int32(0), int32(0), uint8(0b1000), "done", int64(1<<40))
	f.Add("", "", "", "", int32(-1), int32(9), int32(-1), uint8(0b11111111), "a\nb\x1b\xff", int64(-1<<62))
	f.Fuzz(func(t *testing.T, phase, reason, waitReason, termReason string, exitCode, signal, restarts int32, flags uint8, name string, agoSeconds int64) {
		at := metav1.NewTime(testNow.Add(-time.Duration(agoSeconds % (1 << 33) * int64(time.Second))))
		state := corev1.ContainerState{}
		switch {
		case waitReason != "":
			state.Waiting = &corev1.ContainerStateWaiting{Reason: waitReason}
		case termReason != "" || exitCode != 0 || signal != 0:
			state.Terminated = &corev1.ContainerStateTerminated{Reason: termReason, ExitCode: exitCode, Signal: signal, FinishedAt: at}
		default:
			state.Running = &corev1.ContainerStateRunning{StartedAt: at}
		}
		p := &corev1.Pod{
			ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: "default", CreationTimestamp: at},
			Spec:       corev1.PodSpec{Containers: []corev1.Container{{Name: "main"}}},
			Status: corev1.PodStatus{
				Phase:  corev1.PodPhase(phase),
				Reason: reason,
				ContainerStatuses: []corev1.ContainerStatus{{Name: "main", Ready: flags&1 != 0, RestartCount: restarts, State: state,
					LastTerminationState: corev1.ContainerState{Terminated: &corev1.ContainerStateTerminated{FinishedAt: at}}}},
			},
		}
		if flags&2 != 0 {
			p.Status.Conditions = append(p.Status.Conditions, corev1.PodCondition{Type: corev1.PodReady, Status: corev1.ConditionTrue})
		}
		if flags&4 != 0 {
			always := corev1.ContainerRestartPolicyAlways
			init := corev1.Container{Name: "init"}
			if flags&16 != 0 {
				init.RestartPolicy = &always
			}
			p.Spec.InitContainers = []corev1.Container{init}
			p.Status.InitContainerStatuses = []corev1.ContainerStatus{{Name: "init", RestartCount: restarts / 2, State: state, Started: func() *bool { b := flags&32 != 0; return &b }()}}
		}
		if flags&8 != 0 {
			p.DeletionTimestamp = &at
		}
		before := p.DeepCopy()

		status, ready, rs := PodStatus(p), PodReady(p), PodRestarts(p, testNow)
		table := Pods([]*corev1.Pod{p}, testNow, Options{NoHeaders: true, Wide: flags&64 != 0, ShowLabels: flags&128 != 0})
		if diff := cmp.Diff(before, p); diff != "" {
			t.Fatalf("pod changed (-before +after):\n%s", diff)
		}
		if strings.Count(table, "\n") != 1 || strings.ContainsAny(table, "\x1b\r\f") {
			t.Fatalf("not one clean line: %q", table)
		}
		// A tab or vertical tab inside a cell splits it, for kubectl's
		// tabwriter as for ours; look for the pieces.
		for _, cell := range []string{ready, escapeCell(jsonRoundTrip(status)), escapeCell(jsonRoundTrip(rs))} {
			for _, piece := range strings.FieldsFunc(cell, func(r rune) bool { return r == '\t' || r == '\v' }) {
				if !strings.Contains(table, piece) {
					t.Fatalf("row %q lacks %q of cell %q", table, piece, cell)
				}
			}
		}
		if p.DeletionTimestamp != nil && reason != "NodeLost" && phase != "Succeeded" && phase != "Failed" && status != "Terminating" {
			t.Fatalf("deleted pod shows %q (RS-14.5)", status)
		}
	})
}

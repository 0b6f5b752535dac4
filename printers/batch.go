package printers

import (
	"fmt"
	"strconv"
	"time"

	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/duration"
)

// The tables of Jobs and CronJobs, as printJob and printCronJob fill
// them. kubesem does not run the apiserver's defaulting for these kinds,
// so where a default shows in a cell (a CronJob's spec.suspend, a Job's
// labels taken from its pod template) the cell is what the defaulted
// object would print.

// jobsTable: NAME STATUS COMPLETIONS DURATION AGE, -o wide CONTAINERS
// IMAGES SELECTOR.
func jobsTable(jobs []*batchv1.Job, now time.Time, o Options) tbl {
	header := []string{"NAME", "STATUS", "COMPLETIONS", "DURATION", "AGE"}
	if o.Wide {
		header = append(header, "CONTAINERS", "IMAGES", "SELECTOR")
	}
	var rows []row
	for _, j := range jobs {
		if j == nil {
			continue
		}
		cells := []string{j.Name, jobStatus(j), jobCompletions(j), jobDuration(j.Status, now), age(j.CreationTimestamp, now)}
		if o.Wide {
			names, images := containerCells(j.Spec.Template.Spec.Containers)
			cells = append(cells, names, images, metav1.FormatLabelSelector(j.Spec.Selector))
		}
		// The apiserver gives a Job without labels its pod template's.
		lbls := j.Labels
		if len(lbls) == 0 && j.Spec.Template.Labels != nil {
			lbls = j.Spec.Template.Labels
		}
		rows = append(rows, row{namespace: j.Namespace, labels: lbls, cells: cells})
	}
	return tbl{header: header, rows: rows, namespaced: true}
}

// jobStatus is the STATUS cell: the first of Complete, Failed,
// Terminating (a deletionTimestamp is set), Suspended, FailureTarget and
// SuccessCriteriaMet that holds, else Running. A condition holds when the
// first condition of its type has status True.
func jobStatus(j *batchv1.Job) string {
	has := func(t batchv1.JobConditionType) bool {
		for _, c := range j.Status.Conditions {
			if c.Type == t {
				return c.Status == corev1.ConditionTrue
			}
		}
		return false
	}
	switch {
	case has(batchv1.JobComplete):
		return "Complete"
	case has(batchv1.JobFailed):
		return "Failed"
	case j.DeletionTimestamp != nil:
		return "Terminating"
	case has(batchv1.JobSuspended):
		return "Suspended"
	case has(batchv1.JobFailureTarget):
		return "FailureTarget"
	case has(batchv1.JobSuccessCriteriaMet):
		return "SuccessCriteriaMet"
	}
	return "Running"
}

// jobCompletions is the COMPLETIONS cell: "<succeeded>/<completions>";
// without spec.completions "<succeeded>/1", and "<succeeded>/1 of <n>"
// when spec.parallelism n is above 1. (Both unset, the apiserver sets
// both to 1: the same "<succeeded>/1".)
func jobCompletions(j *batchv1.Job) string {
	if j.Spec.Completions != nil {
		return fmt.Sprintf("%d/%d", j.Status.Succeeded, *j.Spec.Completions)
	}
	if p := j.Spec.Parallelism; p != nil && *p > 1 {
		return fmt.Sprintf("%d/1 of %d", j.Status.Succeeded, *p)
	}
	return fmt.Sprintf("%d/1", j.Status.Succeeded)
}

// jobDuration is the DURATION cell: empty before status.startTime, the
// time from it to the completion time, or to now while the Job has none.
// Both times are cut to the second the apiserver stores.
func jobDuration(s batchv1.JobStatus, now time.Time) string {
	if s.StartTime == nil {
		return ""
	}
	end := now
	if s.CompletionTime != nil {
		end = s.CompletionTime.Truncate(time.Second)
	}
	return duration.HumanDuration(end.Sub(s.StartTime.Truncate(time.Second)))
}

// cronJobsTable: NAME SCHEDULE TIMEZONE SUSPEND ACTIVE LAST SCHEDULE AGE,
// -o wide CONTAINERS IMAGES SELECTOR (the job template's).
func cronJobsTable(cjs []*batchv1.CronJob, now time.Time, o Options) tbl {
	header := []string{"NAME", "SCHEDULE", "TIMEZONE", "SUSPEND", "ACTIVE", "LAST SCHEDULE", "AGE"}
	if o.Wide {
		header = append(header, "CONTAINERS", "IMAGES", "SELECTOR")
	}
	var rows []row
	for _, cj := range cjs {
		if cj == nil {
			continue
		}
		tz := "<none>"
		if cj.Spec.TimeZone != nil {
			tz = *cj.Spec.TimeZone
		}
		// spec.suspend defaults to false
		suspend := "False"
		if cj.Spec.Suspend != nil && *cj.Spec.Suspend {
			suspend = "True"
		}
		last := "<none>"
		if cj.Status.LastScheduleTime != nil {
			last = age(*cj.Status.LastScheduleTime, now)
		}
		cells := []string{cj.Name, cj.Spec.Schedule, tz, suspend, strconv.Itoa(len(cj.Status.Active)), last, age(cj.CreationTimestamp, now)}
		if o.Wide {
			spec := cj.Spec.JobTemplate.Spec
			names, images := containerCells(spec.Template.Spec.Containers)
			cells = append(cells, names, images, metav1.FormatLabelSelector(spec.Selector))
		}
		rows = append(rows, row{namespace: cj.Namespace, labels: cj.Labels, cells: cells})
	}
	return tbl{header: header, rows: rows, namespaced: true}
}

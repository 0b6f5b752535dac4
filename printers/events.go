package printers

import (
	"strconv"
	"strings"
	"time"

	corev1 "k8s.io/api/core/v1"
)

// Events prints `kubectl get events`: LAST SEEN TYPE REASON OBJECT
// MESSAGE, and with o.Wide LAST SEEN TYPE REASON OBJECT SUBOBJECT SOURCE
// MESSAGE FIRST SEEN COUNT NAME.
//
//   - FIRST SEEN is the age of firstTimestamp, or of eventTime when
//     firstTimestamp is unset; LAST SEEN the age of lastTimestamp, or
//     FIRST SEEN when it is unset, or the age of series.lastObservedTime
//     for an event series. Unset times print "<unknown>".
//   - OBJECT is "<kind in lower case>/<name>" of the involved object (just
//     the kind when it has no name); SUBOBJECT its fieldPath.
//   - SOURCE is source.component (else reportingController), followed by
//     ", " and source.host (else reportingInstance) when there is one.
//   - MESSAGE has leading and trailing white space removed.
//   - COUNT is series.count for a series, else count, and 1 when that is 0.
//
// kubectl get events does not sort: rows are printed in the order given
// (the server's, by name). nil entries are skipped; an empty list gives "".
func Events(evs []*corev1.Event, now time.Time, o Options) string {
	return eventsTable(evs, now, o).render(o)
}

func eventsTable(evs []*corev1.Event, now time.Time, o Options) tbl {
	header := []string{"LAST SEEN", "TYPE", "REASON", "OBJECT", "MESSAGE"}
	if o.Wide {
		header = []string{"LAST SEEN", "TYPE", "REASON", "OBJECT", "SUBOBJECT", "SOURCE", "MESSAGE", "FIRST SEEN", "COUNT", "NAME"}
	}
	var rows []row
	for _, e := range evs {
		if e == nil {
			continue
		}
		first := age(e.FirstTimestamp, now)
		if e.FirstTimestamp.IsZero() {
			first = microAge(e.EventTime, now)
		}
		last := age(e.LastTimestamp, now)
		if e.LastTimestamp.IsZero() {
			last = first
		}
		count := e.Count
		if e.Series != nil {
			last = microAge(e.Series.LastObservedTime, now)
			count = e.Series.Count
		} else if count == 0 {
			count = 1 // a singleton event of the events.k8s.io API
		}
		object := strings.ToLower(e.InvolvedObject.Kind)
		if e.InvolvedObject.Name != "" {
			object += "/" + e.InvolvedObject.Name
		}
		msg := strings.TrimSpace(e.Message)
		var cells []string
		if o.Wide {
			cells = []string{last, e.Type, e.Reason, object, e.InvolvedObject.FieldPath, eventSource(e), msg, first, strconv.FormatInt(int64(count), 10), e.Name}
		} else {
			cells = []string{last, e.Type, e.Reason, object, msg}
		}
		rows = append(rows, row{namespace: e.Namespace, labels: e.Labels, cells: cells})
	}
	return tbl{header: header, rows: rows, namespaced: true}
}

func eventSource(e *corev1.Event) string {
	component, instance := e.Source.Component, e.Source.Host
	if component == "" {
		component = e.ReportingController
	}
	if instance == "" {
		instance = e.ReportingInstance
	}
	if instance == "" {
		return component
	}
	return component + ", " + instance
}

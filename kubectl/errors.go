package kubectl

import (
	"errors"
	"fmt"
	"strings"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	utilerrors "k8s.io/apimachinery/pkg/util/errors"
)

// Format renders an error as kubectl prints it on exit (cmdutil's
// checkErr, rule 9), ending in a newline:
//
//   - an aggregate of one error is that error;
//   - an Invalid API error with details is "The <Kind> "<name>" is
//     invalid: <field>: <message>", or with several causes the first line
//     followed by one "* <field>: <message>" line per distinct cause;
//   - an aggregate of several prints one line per error, without any
//     "error: " prefix;
//   - another API error is "Error from server (<Reason>): <message>";
//   - anything else is "error: <message>" (not doubled when the message
//     already starts with "error: ");
//   - ErrInterrupted (a watch stopped as by Ctrl-C) and an exit whose
//     reason kubectl already printed (kubectl edit's) are "".
func Format(err error) string {
	if err == nil || errors.Is(err, ErrInterrupted) || errors.Is(err, errExit) {
		return ""
	}
	msg := formatErr(err)
	if !strings.HasSuffix(msg, "\n") {
		msg += "\n"
	}
	return msg
}

func formatErr(err error) string {
	if agg, ok := err.(utilerrors.Aggregate); ok && len(agg.Errors()) == 1 {
		err = agg.Errors()[0]
	}
	if s, ok := invalidMessage(err); ok {
		return s
	}
	if agg, ok := err.(utilerrors.Aggregate); ok {
		var b strings.Builder
		for _, e := range agg.Errors() {
			b.WriteString(messageForError(e) + "\n")
		}
		return b.String()
	}
	if msg, ok := standardErrorMessage(err); ok {
		return msg
	}
	msg := err.Error()
	if !strings.HasPrefix(msg, "error: ") {
		msg = "error: " + msg
	}
	return msg
}

// invalidMessage is checkErr's case for an Invalid StatusError.
func invalidMessage(err error) (string, bool) {
	se, ok := err.(*apierrors.StatusError)
	if !ok || se.Status().Reason != metav1.StatusReasonInvalid {
		return "", false
	}
	status := se.Status()
	details := status.Details
	s := "The request is invalid"
	if details == nil {
		if status.Message != "" {
			s += ": " + status.Message
		}
		return s, true
	}
	if details.Kind != "" || details.Name != "" {
		s = fmt.Sprintf("The %s %q is invalid", details.Kind, details.Name)
	} else if status.Message != "" && len(details.Causes) == 0 {
		s += ": " + status.Message
	}
	if len(details.Causes) == 0 {
		return s, true
	}
	var causes []string
	seen := map[string]bool{}
	for _, c := range details.Causes {
		m := c.Field + ": " + c.Message
		if !seen[m] {
			seen[m] = true
			causes = append(causes, m)
		}
	}
	if len(causes) == 1 {
		return s + ": " + causes[0] + "\n", true
	}
	var b strings.Builder
	b.WriteString(s + ": \n")
	for _, c := range causes {
		b.WriteString("* " + c + "\n")
	}
	return b.String(), true
}

// standardErrorMessage is cmdutil's StandardErrorMessage for the errors
// kubesem produces: API errors.
func standardErrorMessage(err error) (string, bool) {
	status, ok := err.(apierrors.APIStatus)
	if !ok {
		return "", false
	}
	switch s := status.Status(); {
	case s.Reason == metav1.StatusReasonUnauthorized:
		return fmt.Sprintf("error: You must be logged in to the server (%s)", s.Message), true
	case s.Reason != "":
		return fmt.Sprintf("Error from server (%s): %s", s.Reason, err.Error()), true
	default:
		return fmt.Sprintf("Error from server: %s", err.Error()), true
	}
}

func messageForError(err error) string {
	if msg, ok := standardErrorMessage(err); ok {
		return msg
	}
	return err.Error()
}

// usageError is cmdutil.UsageErrorf: the message and a pointer to the
// command's help.
func usageError(c *command, format string, a ...any) error {
	return fmt.Errorf("%s\nSee '%s -h' for help and examples", fmt.Sprintf(format, a...), "kubectl "+c.spec.path)
}

// aggregate is utilerrors.NewAggregate: nil for no errors.
func aggregate(errs []error) error {
	return utilerrors.NewAggregate(errs)
}

// addSource is cmdutil.AddSourceToErr: an error about an object read from
// a file names the file.
func addSource(verb, source string, err error) error {
	if source == "" || err == nil {
		return err
	}
	if se, ok := err.(apierrors.APIStatus); ok {
		status := se.Status()
		status.Message = fmt.Sprintf("error when %s %q: %v", verb, source, status.Message)
		return &apierrors.StatusError{ErrStatus: status}
	}
	return fmt.Errorf("error when %s %q: %v", verb, source, err)
}

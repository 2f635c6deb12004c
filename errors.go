// Package sportello holds what every layer shares: the typed error codes
// that domain packages return and the web layer maps to HTTP statuses.
package sportello

import (
	"errors"
	"fmt"
)

// Error codes. They describe what went wrong in terms a caller can act on,
// independent of transport.
const (
	EINVALID      = "invalid"
	ENOTFOUND     = "not_found"
	ECONFLICT     = "conflict"
	EUNAUTHORIZED = "unauthorized"
	EFORBIDDEN    = "forbidden"
	ERATELIMIT    = "rate_limited"
	EINTERNAL     = "internal"
)

// Error is a domain error: Code for programs, Message for people (Italian).
type Error struct {
	Code    string
	Message string
	// Fields holds a message per invalid field of a form, for people.
	Fields map[string]string
}

func (e *Error) Error() string {
	return fmt.Sprintf("sportello error: code=%s message=%s", e.Code, e.Message)
}

// Errorf builds an *Error with an Italian, human-readable message.
func Errorf(code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// ErrorCode returns the code of the first *Error in err's chain, EINTERNAL
// for any other error, and "" for nil.
func ErrorCode(err error) string {
	var e *Error
	switch {
	case err == nil:
		return ""
	case errors.As(err, &e):
		return e.Code
	default:
		return EINTERNAL
	}
}

// ErrorFields returns the per-field messages of the first *Error in
// err's chain, if any.
func ErrorFields(err error) map[string]string {
	var e *Error
	if errors.As(err, &e) {
		return e.Fields
	}
	return nil
}

// ErrorMessage returns the Italian message of the first *Error in err's
// chain, or a generic apology for internal errors, whose details belong in
// the logs and not in front of citizens.
func ErrorMessage(err error) string {
	var e *Error
	switch {
	case err == nil:
		return ""
	case errors.As(err, &e):
		return e.Message
	default:
		return "Si è verificato un problema tecnico. Riprova tra poco."
	}
}

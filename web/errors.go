package web

import (
	"errors"
	"fmt"
	"net/http"
	"strconv"

	"github.com/labstack/echo/v4"

	"github.com/sportello/sportello"
)

// statusOf maps domain error codes to HTTP statuses: the one place where
// the two meet.
var statusOf = map[string]int{
	sportello.EINVALID:      http.StatusBadRequest,
	sportello.ENOTFOUND:     http.StatusNotFound,
	sportello.ECONFLICT:     http.StatusConflict,
	sportello.EUNAUTHORIZED: http.StatusUnauthorized,
	sportello.EFORBIDDEN:    http.StatusForbidden,
	sportello.ERATELIMIT:    http.StatusTooManyRequests,
	sportello.EINTERNAL:     http.StatusInternalServerError,
}

// errorBody is what API clients receive.
type errorBody struct {
	Error   string `json:"error"`
	Message string `json:"message"`
	// Fields has an Italian message per invalid form field.
	Fields map[string]string `json:"fields,omitempty"`
}

// rateLimited is a rate-limit error that knows when to come back.
type rateLimited struct {
	err        *sportello.Error
	retryAfter int
}

func errRateLimited(seconds int) error {
	return &rateLimited{
		err:        sportello.Errorf(sportello.ERATELIMIT, "Hai inviato troppi messaggi in poco tempo: riprova tra %d secondi.", seconds),
		retryAfter: seconds,
	}
}

func (e *rateLimited) Error() string { return e.err.Error() }
func (e *rateLimited) Unwrap() error { return e.err }

func (s *Server) handleError(err error, c echo.Context) {
	if c.Response().Committed {
		return
	}
	status, body := s.classify(err, c)
	var rl *rateLimited
	if errors.As(err, &rl) {
		c.Response().Header().Set("Retry-After", strconv.Itoa(rl.retryAfter))
	}
	if c.Request().Method == http.MethodHead {
		_ = c.NoContent(status)
		return
	}
	if !isAPI(c) {
		_ = c.String(status, body.Message)
		return
	}
	_ = c.JSON(status, body)
}

func (s *Server) classify(err error, c echo.Context) (int, errorBody) {
	var he *echo.HTTPError
	if errors.As(err, &he) {
		switch he.Code {
		case http.StatusNotFound:
			return he.Code, errorBody{Error: "not_found", Message: "Pagina non trovata."}
		case http.StatusMethodNotAllowed:
			return he.Code, errorBody{Error: "method_not_allowed", Message: "Operazione non consentita."}
		case http.StatusRequestEntityTooLarge:
			return he.Code, errorBody{Error: "too_large", Message: "La richiesta è troppo grande."}
		case http.StatusUnsupportedMediaType:
			return he.Code, errorBody{Error: "invalid", Message: "La richiesta deve essere in formato JSON."}
		}
		if he.Code < 500 {
			return he.Code, errorBody{Error: "invalid", Message: "Richiesta non valida."}
		}
		s.log.Error("http error", "path", c.Request().URL.Path, "err", fmt.Sprint(he.Message), "internal", he.Internal)
		return he.Code, errorBody{Error: "internal", Message: sportello.ErrorMessage(errors.New("internal"))}
	}
	code := sportello.ErrorCode(err)
	status, ok := statusOf[code]
	if !ok {
		status = http.StatusInternalServerError
	}
	if status >= 500 {
		s.log.Error("internal error", "method", c.Request().Method, "path", c.Request().URL.Path, "err", err)
	}
	return status, errorBody{code, sportello.ErrorMessage(err), sportello.ErrorFields(err)}
}

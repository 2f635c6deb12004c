package web

import (
	"encoding/json"
	"net/http"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/sportello/sportello"
	"github.com/sportello/sportello/handoff"
)

// privacyPage lets an admin answer a citizen who asks what Sportello
// holds about them, or asks for it to be erased: search by email address
// or request number, download it, erase it.
func (s *Server) privacyPage(c echo.Context) error {
	q := strings.TrimSpace(c.QueryParam("cerca"))
	data := map[string]any{"Query": q}
	if c.QueryParam("fatto") == "cancellati" {
		data["Done"] = "Dati cancellati. Le richieste restano come registro, con numero, servizio e date, senza i dati della persona."
	}
	if q != "" {
		found, err := s.privacy().Find(c.Request().Context(), q)
		if err != nil && sportello.ErrorCode(err) != sportello.EINVALID {
			return err
		}
		if err != nil {
			data["Problem"] = sportello.ErrorMessage(err)
		} else {
			data["Found"] = found
		}
	}
	return s.renderPrivacy(c, http.StatusOK, data)
}

func (s *Server) renderPrivacy(c echo.Context, status int, data map[string]any) error {
	st := currentStaff(c)
	data["Title"], data["User"], data["CSRF"], data["IsAdmin"] = "Dati personali", st.User, st.Session.CSRF, true
	return s.render(c, status, "privacy.html", data)
}

// privacyExport downloads, as JSON, everything found for the search.
func (s *Server) privacyExport(c echo.Context) error {
	found, err := s.privacy().Find(c.Request().Context(), c.FormValue("cerca"))
	if err != nil {
		return err
	}
	b, err := json.MarshalIndent(found, "", "  ")
	if err != nil {
		return err
	}
	s.log.Info("personal data exported on request", "by", currentStaff(c).User.Name, "tickets", len(found.Tickets), "conversations", len(found.Conversations))
	name := "dati-personali-" + s.desk.Now().Format("2006-01-02") + ".json"
	c.Response().Header().Set("Content-Disposition", `attachment; filename="`+name+`"`)
	return c.Blob(http.StatusOK, "application/json; charset=utf-8", b)
}

// privacyErase erases what the search finds, once the admin confirmed.
func (s *Server) privacyErase(c echo.Context) error {
	q := c.FormValue("cerca")
	if c.FormValue("conferma") != "si" {
		found, err := s.privacy().Find(c.Request().Context(), q)
		if err != nil {
			return err
		}
		return s.renderPrivacy(c, http.StatusUnprocessableEntity, map[string]any{"Query": strings.TrimSpace(q), "Found": found,
			"Problem": "Per cancellare, spunta la conferma: la cancellazione non si può annullare."})
	}
	if _, err := s.privacy().Erase(c.Request().Context(), q, currentStaff(c).User.Name); err != nil {
		return err
	}
	return c.Redirect(http.StatusSeeOther, "/operatore/privacy?fatto=cancellati")
}

func (s *Server) privacy() *handoff.Privacy {
	return &handoff.Privacy{Store: s.store, Now: time.Now, Log: s.log}
}

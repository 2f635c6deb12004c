package web

import (
	"net/http"
	"net/url"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/sportello/sportello"
	"github.com/sportello/sportello/handoff"
)

// doneText are the confirmations the accounts page shows after a change.
var doneText = map[string]string{
	"aggiunto":     "Account creato.",
	"password":     "Password cambiata: le sessioni aperte di quell'account sono state chiuse.",
	"ruolo":        "Ruolo cambiato.",
	"disabilitato": "Account disabilitato.",
	"abilitato":    "Account riabilitato.",
	"eliminato":    "Account eliminato.",
	"salvata":      "Scheda salvata: la versione precedente è conservata, e l'assistente la usa entro un secondo.",
	"ignorate":     "Domande ignorate.",
	"aggiunte":     "Domande aggiunte alla scheda: l'assistente le usa entro un secondo.",
}

// usersPage lists the accounts with the forms to manage them (admins).
func (s *Server) usersPage(c echo.Context) error {
	return s.renderUsers(c, http.StatusOK, doneText[c.QueryParam("fatto")], "")
}

func (s *Server) renderUsers(c echo.Context, status int, done, problem string) error {
	st := currentStaff(c)
	users, err := s.accounts.Users(c.Request().Context())
	if err != nil {
		return err
	}
	return s.render(c, status, "users.html", map[string]any{
		"Title": "Account", "User": st.User, "CSRF": st.Session.CSRF, "IsAdmin": true,
		"Users": users, "Done": done, "Problem": problem, "Now": s.desk.Now(),
		"Roles": []handoff.StaffRole{handoff.StaffOperatore, handoff.StaffRedattore, handoff.StaffAdmin},
	})
}

// addUser creates an account from the form.
func (s *Server) addUser(c echo.Context) error {
	role, err := handoff.ParseStaffRole(c.FormValue("ruolo"))
	if err == nil {
		_, err = s.accounts.AddUser(c.Request().Context(), strings.TrimSpace(c.FormValue("nome")),
			strings.TrimSpace(c.FormValue("nome_visualizzato")), role, c.FormValue("password"))
	}
	return s.afterUserChange(c, err, "aggiunto", c.FormValue("nome"))
}

// changeUser applies one action from the list to an account.
func (s *Server) changeUser(c echo.Context) error {
	ctx := c.Request().Context()
	name := c.Param("name")
	me := currentStaff(c).User.Name
	var err error
	action := c.FormValue("azione")
	switch action {
	case "password":
		if name == me {
			err = sportello.Errorf(sportello.ECONFLICT, "La tua password si cambia dalla pagina Password.")
		} else {
			err = s.accounts.ResetPassword(ctx, name, c.FormValue("password"))
		}
	case "ruolo":
		var role handoff.StaffRole
		if role, err = handoff.ParseStaffRole(c.FormValue("ruolo")); err == nil {
			err = s.accounts.SetRole(ctx, name, role)
		}
	case "disabilitato", "abilitato":
		if name == me && action == "disabilitato" {
			err = sportello.Errorf(sportello.ECONFLICT, "Non puoi disabilitare il tuo stesso account.")
		} else {
			err = s.accounts.SetDisabled(ctx, name, action == "disabilitato")
		}
	case "eliminato":
		if name == me {
			err = sportello.Errorf(sportello.ECONFLICT, "Non puoi eliminare il tuo stesso account.")
		} else {
			err = s.accounts.DeleteUser(ctx, name)
		}
	default:
		err = sportello.Errorf(sportello.EINVALID, "Operazione non valida.")
	}
	if err == nil && (action == "disabilitato" || action == "eliminato") {
		_ = s.desk.SetStatus(ctx, name, handoff.Offline) // their chats go back to the queue
	}
	return s.afterUserChange(c, err, action, name)
}

// afterUserChange redirects to the list with a confirmation, or shows the
// list again with the problem.
func (s *Server) afterUserChange(c echo.Context, err error, done, name string) error {
	if err != nil {
		code := sportello.ErrorCode(err)
		if code == sportello.EINTERNAL {
			return err
		}
		return s.renderUsers(c, statusOf[code], "", sportello.ErrorMessage(err))
	}
	s.log.Info("account changed", "by", currentStaff(c).User.Name, "user", name, "change", done)
	return c.Redirect(http.StatusSeeOther, "/operatore/utenti?fatto="+url.QueryEscape(done))
}

// passwordPage lets any staff member change their own password; it is
// the only page open while a one-time password is in use.
func (s *Server) passwordPage(c echo.Context) error {
	return s.renderPassword(c, http.StatusOK, "")
}

func (s *Server) renderPassword(c echo.Context, status int, problem string) error {
	st := currentStaff(c)
	return s.render(c, status, "password.html", map[string]any{
		"Title": "Cambia password", "User": st.User, "CSRF": st.Session.CSRF,
		"IsAdmin": st.User.Role == handoff.StaffAdmin, "Problem": problem,
	})
}

func (s *Server) changePassword(c echo.Context) error {
	st := currentStaff(c)
	next := c.FormValue("nuova")
	if next != c.FormValue("conferma") {
		return s.renderPassword(c, http.StatusBadRequest, "Le due nuove password non coincidono.")
	}
	err := s.accounts.ChangeOwnPassword(c.Request().Context(), st.User.Name, c.FormValue("attuale"), next, st.Token)
	if err != nil {
		code := sportello.ErrorCode(err)
		if code == sportello.EINTERNAL {
			return err
		}
		return s.renderPassword(c, statusOf[code], sportello.ErrorMessage(err))
	}
	s.log.Info("password changed", "user", st.User.Name)
	return c.Redirect(http.StatusSeeOther, "/operatore")
}

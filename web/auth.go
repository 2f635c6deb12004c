package web

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"net"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/sportello/sportello"
	"github.com/sportello/sportello/handoff"
)

const (
	sessionCookie = "sportello_sessione"
	loginCookie   = "sportello_login"
	// staffKey is where the middleware leaves the signed-in staff member.
	staffKey = "staff"
)

// staff is who is signed in, as handlers need it.
type staff struct {
	User    handoff.User
	Session handoff.Session
	Token   string
}

// secureCookies tells whether cookies get the Secure flag: always,
// except over plain HTTP to the machine itself (the demo on localhost),
// where browsers would drop them.
func secureCookies(c echo.Context) bool {
	r := c.Request()
	if r.TLS != nil || c.Scheme() == "https" {
		return true
	}
	host := r.Host
	if h, _, err := net.SplitHostPort(host); err == nil {
		host = h
	}
	if host == "localhost" {
		return false
	}
	ip := net.ParseIP(host)
	return ip == nil || !ip.IsLoopback()
}

func (s *Server) setCookie(c echo.Context, name, value string, maxAge int) {
	c.SetCookie(&http.Cookie{
		Name: name, Value: value, Path: "/", MaxAge: maxAge,
		HttpOnly: true, Secure: secureCookies(c), SameSite: http.SameSiteStrictMode,
	})
}

func randomToken() string {
	b := make([]byte, 24)
	_, _ = rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)
}

func sameSecret(a, b string) bool {
	return a != "" && subtle.ConstantTimeCompare([]byte(a), []byte(b)) == 1
}

// requireStaff lets through staff signed in with one of roles, and checks
// the CSRF token on every request that changes something (a form field
// "csrf" or the X-CSRF-Token header). Pages send strangers to the login;
// API calls get 401.
func (s *Server) requireStaff(roles ...handoff.StaffRole) echo.MiddlewareFunc {
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			ck, err := c.Cookie(sessionCookie)
			var st staff
			if err == nil {
				st.Token = ck.Value
				st.Session, st.User, err = s.accounts.Session(c.Request().Context(), ck.Value)
			}
			if err != nil {
				if c.Request().Method == http.MethodGet && !isAPI(c) {
					return c.Redirect(http.StatusSeeOther, "/operatore/login?dopo="+url.QueryEscape(c.Request().URL.RequestURI()))
				}
				return sportello.Errorf(sportello.EUNAUTHORIZED, "Sessione scaduta: accedi di nuovo.")
			}
			if st.User.MustChange && c.Path() != "/operatore/password" && c.Path() != "/operatore/logout" {
				if c.Request().Method == http.MethodGet && !isAPI(c) {
					return c.Redirect(http.StatusSeeOther, "/operatore/password")
				}
				return sportello.Errorf(sportello.EFORBIDDEN, "Prima di continuare scegli una nuova password.")
			}
			if !slices.Contains(roles, st.User.Role) {
				return sportello.Errorf(sportello.EFORBIDDEN, "Il tuo ruolo non permette di aprire questa pagina.")
			}
			if m := c.Request().Method; m != http.MethodGet && m != http.MethodHead {
				token := c.Request().Header.Get("X-CSRF-Token")
				if token == "" {
					token = c.FormValue("csrf")
				}
				if !sameSecret(token, st.Session.CSRF) {
					return sportello.Errorf(sportello.EFORBIDDEN, "La pagina è scaduta: ricaricala e riprova.")
				}
			}
			c.Set(staffKey, st)
			c.Response().Header().Set("Cache-Control", "no-store")
			return next(c)
		}
	}
}

func currentStaff(c echo.Context) staff {
	st, _ := c.Get(staffKey).(staff)
	return st
}

func isAPI(c echo.Context) bool {
	p := c.Request().URL.Path
	return strings.HasPrefix(p, "/api/") || strings.HasPrefix(p, "/operatore/api/") || strings.HasSuffix(p, "/ws")
}

// loginPage shows the sign-in form with a fresh anti-forgery token,
// double-submitted in a cookie and a hidden field.
func (s *Server) loginPage(c echo.Context) error {
	return s.renderLogin(c, http.StatusOK, "")
}

func (s *Server) renderLogin(c echo.Context, status int, problem string) error {
	token := randomToken()
	s.setCookie(c, loginCookie, token, 3600)
	c.Response().Header().Set("Cache-Control", "no-store")
	return s.render(c, status, "login.html", map[string]any{
		"Title": "Accesso operatori", "CSRF": token, "Problem": problem,
		"Name": c.FormValue("nome"), "After": safeAfter(c.FormValue("dopo")),
	})
}

// safeAfter keeps the post-login destination inside the staff pages;
// "" when there is none.
func safeAfter(p string) string {
	for _, prefix := range []string{"/operatore", "/statistiche", "/redazione"} {
		if strings.HasPrefix(p, prefix) && !strings.HasPrefix(p, "/operatore/login") && !strings.Contains(p, "//") && !strings.Contains(p, "\\") {
			return p
		}
	}
	return ""
}

// home is where a role lands after signing in.
func home(r handoff.StaffRole) string {
	if r == handoff.StaffRedattore {
		return "/redazione"
	}
	return "/operatore"
}

func (s *Server) login(c echo.Context) error {
	ck, err := c.Cookie(loginCookie)
	if err != nil || !sameSecret(c.FormValue("csrf"), ck.Value) {
		return s.renderLogin(c, http.StatusForbidden, "La pagina di accesso è scaduta: riprova.")
	}
	// Only failures count against an address: a whole office signs in
	// from one IP at opening time.
	if ok, wait := s.loginLimit.check(c.RealIP()); !ok {
		return s.renderLogin(c, http.StatusTooManyRequests, "Troppi tentativi sbagliati da questo indirizzo: riprova tra "+itoa(wait)+" secondi.")
	}
	sess, token, err := s.accounts.Login(c.Request().Context(), strings.TrimSpace(c.FormValue("nome")), c.FormValue("password"))
	if err != nil {
		code := sportello.ErrorCode(err)
		if code == sportello.EINTERNAL {
			return err
		}
		s.loginLimit.allow(c.RealIP())
		s.log.Warn("login refused", "user", c.FormValue("nome"), "code", code)
		return s.renderLogin(c, statusOf[code], sportello.ErrorMessage(err))
	}
	s.log.Info("login", "user", sess.User)
	s.setCookie(c, loginCookie, "", -1)
	s.setCookie(c, sessionCookie, token, int((12 * time.Hour).Seconds()))
	after := safeAfter(c.FormValue("dopo"))
	if after == "" {
		u, err := s.accounts.User(c.Request().Context(), sess.User)
		if err != nil {
			return err
		}
		after = home(u.Role)
	}
	return c.Redirect(http.StatusSeeOther, after)
}

func (s *Server) logout(c echo.Context) error {
	st := currentStaff(c)
	if err := s.accounts.Logout(c.Request().Context(), st.Token); err != nil {
		return err
	}
	if err := s.desk.SetStatus(c.Request().Context(), st.User.Name, handoff.Offline); err != nil && sportello.ErrorCode(err) != sportello.ECONFLICT {
		return err
	}
	s.setCookie(c, sessionCookie, "", -1)
	return c.Redirect(http.StatusSeeOther, "/operatore/login")
}

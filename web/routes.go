package web

import (
	"net/http"

	"github.com/labstack/echo/v4/middleware"

	"github.com/sportello/sportello/handoff"
)

// routes is the one route table.
func (s *Server) routes() {
	e := s.echo
	e.GET("/", s.portalPage)
	e.GET("/widget.js", s.widgetJS)
	e.HEAD("/widget.js", s.widgetJS)
	e.GET("/static/:file", s.staticFile)
	e.GET("/healthz", s.healthz)
	e.GET("/metrics", s.metricsHandler())

	api := e.Group("/api/v1")
	api.Use(middleware.BodyLimit("16K"), s.watchOrigins)
	if len(s.opts.PortalOrigins) > 0 {
		api.Use(middleware.CORSWithConfig(middleware.CORSConfig{
			AllowOrigins:  s.opts.PortalOrigins,
			AllowMethods:  []string{http.MethodGet, http.MethodPost},
			AllowHeaders:  []string{"Authorization", "Content-Type"},
			ExposeHeaders: []string{"Retry-After"},
			MaxAge:        3600,
		}))
	}
	api.GET("/widget-config", s.widgetConfig)
	api.POST("/conversations", s.createConversation)
	api.POST("/conversations/:id/messages", s.postMessage)
	api.GET("/conversations/:id/messages", s.listMessages)
	api.POST("/conversations/:id/feedback", s.postFeedback)
	api.POST("/conversations/:id/operator", s.askPerson)
	api.POST("/conversations/:id/leave", s.leaveQueue)
	api.GET("/conversations/:id/ticket-form", s.ticketForm)
	api.POST("/conversations/:id/ticket", s.createTicket)
	api.POST("/conversations/:id/transcript", s.sendTranscript)
	e.GET("/richieste/:token", s.ticketStatus)
	api.GET("/conversations/:id/ws", s.conversationWS)

	e.GET("/operatore/login", s.loginPage)
	e.POST("/operatore/login", s.login, middleware.BodyLimit("16K"))
	ops := e.Group("/operatore", middleware.BodyLimit("64K"))
	anyStaff := s.requireStaff(handoff.StaffAdmin, handoff.StaffOperatore)
	everyone := s.requireStaff(handoff.StaffAdmin, handoff.StaffOperatore, handoff.StaffRedattore)
	ops.POST("/logout", s.logout, everyone)
	ops.GET("/password", s.passwordPage, everyone)
	ops.POST("/password", s.changePassword, everyone)
	ops.GET("", s.consolePage, anyStaff)
	ops.GET("/ws", s.consoleWS, anyStaff)
	ops.GET("/api/chats/:id", s.consoleChat, anyStaff)
	ops.GET("/api/chats/:id/assist", s.assist, anyStaff)
	ops.POST("/api/chats/:id/pickup", s.pickup, anyStaff)
	ops.POST("/api/chats/:id/messages", s.operatorSend, anyStaff)
	ops.POST("/api/chats/:id/transfer", s.transfer, anyStaff)
	ops.POST("/api/chats/:id/close", s.closeChat, anyStaff)
	ops.POST("/api/status", s.setPresence, anyStaff)
	ops.GET("/richieste", s.ticketsPage, anyStaff)
	ops.GET("/richieste/:number", s.ticketPage, anyStaff)
	ops.POST("/richieste/:number", s.ticketAction, anyStaff)
	editors := s.requireStaff(handoff.StaffAdmin, handoff.StaffRedattore)
	red := e.Group("/redazione", middleware.BodyLimit("256K"), editors)
	red.GET("", s.redazionePage)
	red.GET("/scheda", s.schedaPage)
	red.POST("/scheda", s.saveScheda)
	red.POST("/anteprima", s.previewFragment)
	red.POST("/prova", s.tryDraft)
	red.GET("/domande", s.domandePage)
	red.POST("/domande", s.domandeAction)
	e.GET("/statistiche", s.statsPage, editors)
	e.GET("/statistiche/:table", s.statsCSV, editors)
	admin := s.requireStaff(handoff.StaffAdmin)
	ops.GET("/utenti", s.usersPage, admin)
	ops.POST("/utenti", s.addUser, admin)
	ops.POST("/utenti/:name", s.changeUser, admin)
	ops.GET("/privacy", s.privacyPage, admin)
	ops.POST("/privacy/esporta", s.privacyExport, admin)
	ops.POST("/privacy/cancella", s.privacyErase, admin)
}

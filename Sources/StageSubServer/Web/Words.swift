import StageSubCore
import StageSubStore

/// Every text of the staff interface, in Swedish and English. A word is a case: a template that names a
/// key not here fails the template test, and a case without both languages does not compile.
enum Word: String, CaseIterable, Sendable {
    case skipToContent
    case navMain
    case navDashboard
    case navMusicians
    case navProjects
    case navLists
    case navInstruments
    case navCommunication
    case navSettings
    case logIn
    case logOut
    case usernameOrEmail
    case password
    case otherLanguage
    case loginFailed
    case loginThrottled
    case loginDisabled
    case formExpired
    case onlyAdmin
    case onlySuperadmin
    case demoBanner
    case demoNow
    case demoMoved
    case demoPlusHour
    case demoPlusDay
    case demoBadHours
    case doneClockMoved
    case errorCode
    case requestId
    case backHome
    case errorNotFound
    case errorNotFoundTitle
    case errorNotFoundAdvice
    case errorForbiddenTitle
    case errorForbiddenAdvice
    case errorConflictTitle
    case errorConflictAdvice
    case errorLoginTitle
    case errorServerTitle
    case errorServerAdvice
    case errorBadRequestTitle
    case superadminTitle
    case superadminIntro
    case superadminInside
    case superadminLeave
    case superadminEnter
    case superadminNone
    case orchestra
    case slug
    case status
    case actions
    case done
    case onboardingTitle
    case onboardingIntro
    case onboardingPositions
    case onboardingMusicians
    case onboardingMusiciansHint
    case onboardingLists
    case onboardingProject
    case onboardingNeed
    case onboardingSend
    case dashPending
    case dashAnsweredWeek
    case dashResponseRate
    case dashActiveMusicians
    case dashWaiting
    case dashNothingWaiting
    case dashUnfilled
    case dashAllFilled
    case dashUpcoming
    case dashNoUpcoming
    case dashActivity
    case dashNoActivity
    case project
    case date
    case dates
    case position
    case booked
    case waitingAnswers
    case staffing
    case noNeedsYet
    case projectCreate
    case roleSuperadmin
    case roleAdmin
    case roleUser
    case statusActive
    case statusPendingOrchestra
    case statusSuspended
    case needActive
    case needPaused
    case needCancelled
    case needFilled
    case requestPending
    case requestAccepted
    case requestDeclined
    case requestCancelled
    case requestTimedOut
    case requestWithdrawn
    case strategySequential
    case strategyParallel
    case strategyFirstCome
    case activityAccepted
    case activityDeclined
    case activityWithdrawn
    case activityReleased
    case activityTimedOut
    case musicianNew
    case importCSV
    case search
    case searchMusiciansHint
    case instrument
    case all
    case localOnly
    case filter
    case name
    case plays
    case playsNothing
    case email
    case phone
    case phoneHint
    case local
    case noMusiciansFound
    case previous
    case next
    case statusCurrent
    case statusInactive
    case statusArchived
    case positionsPlayed
    case save
    case cancel
    case edit
    case restore
    case archive
    case archiveConfirm
    case musicianArchivedNote
    case language
    case languageSwedish
    case languageEnglish
    case yes
    case no
    case notes
    case requestsSent
    case acceptedCount
    case declinedCount
    case acceptanceRate
    case responseRate
    case medianResponse
    case requestHistory
    case sent
    case answered
    case noRequestsYet
    case importDone
    case importChecked
    case importIgnored
    case importProblems
    case line
    case importCommit
    case importSeeRoster
    case importIntro
    case importFile
    case importPaste
    case importCheck
    case importNothing
    case firstName
    case lastName
    case localResidence
    case activeMusician
    case activeMusicianHint
    case formHasErrors
    case errorRequired
    case errorEmail
    case errorDate
    case errorNumber
    case doneCreated
    case doneSaved
    case doneArchived
    case doneRestored
    case doneImported
    case passNotOnRoster
    case passArchived
    case passInactive
    case passNotQualified
    case passNotLocal
    case passAlreadyAsked
    case passConflict
    case passBetterElsewhere
    case passWaiting
    case holdPaused
    case holdCancelled
    case holdFilled
    case holdAwaiting
    case holdAllPending
    case holdExhausted
    case upcoming
    case past
    case sortBy
    case sortStart
    case sortAdded
    case needs
    case noProjects
    case projectName
    case startDate
    case endDate
    case weekFollows
    case rehearsals
    case rehearsalsHint
    case concertInfo
    case notesInternal
    case errorEndBeforeStart
    case previewProject
    case archiveProjectConfirm
    case noNeeds
    case list
    case strategy
    case needAdd
    case needAddButton
    case quantity
    case listA
    case listB
    case listC
    case customList
    case listHint
    case strategyHint
    case responseTimeHours
    case maxRecipients
    case maxRecipientsHint
    case files
    case file
    case noFiles
    case deleteFileConfirm
    case delete
    case sendWith
    case sendWithRequest
    case sendWithConfirmation
    case upload
    case customLists
    case customListsIntro
    case noCustomLists
    case customListFrom
    case customListCreate
    case groupEmail
    case groupEmailIntro
    case subject
    case message
    case groupEmailSend
    case groupEmailHistory
    case planAsk
    case planConflict
    case planNobody
    case planQueue
    case planPassed
    case previewIntro
    case sendProject
    case preview
    case sendRequests
    case pause
    case resume
    case responseTime
    case requests
    case musician
    case reminder
    case deadline
    case bookedDirectly
    case noneBookable
    case withdrawConfirm
    case withdrawConfirmNoneLeft
    case withdrawConfirmPaused
    case recordWithdrawal
    case needChange
    case needChangeHint
    case bookDirectly
    case bookDirectlyIntro
    case book
    case cancelNeed
    case cancelNeedIntro
    case typeToConfirm
    case cancelConfirmWord
    case errorTypeConfirm
    case errorChooseFile
    case doneSent
    case doneNothingToSend
    case doneUploaded
    case doneDeleted
    case doneGroupEmail
    case donePaused
    case doneResumed
    case doneCancelled
    case doneBooked
    case doneWithdrawal
    case doneNeedCreated
    case listsIntro
    case listTypeTitle
    case listUsedBy
    case ranking
    case rankingHelp
    case moveUp
    case moveDown
    case removeFromList
    case listEmpty
    case addToList
    case qualifiedNotOnList
    case noCandidates
    case addSelected
    case listDescription
    case clearList
    case clearConfirmWord
    case listInUseCannotClear
    case errorChooseMusicians
    case doneAdded
    case doneRemoved
    case doneCleared
    case instrumentsIntro
    case instrumentAdd
    case nameSwedish
    case nameEnglish
    case rename
    case archiveInstrumentConfirm
    case positionNew
    case positionAdd
    case templates
    case messageType
    case created
    case recipient
    case noMessages
    case attempts
    case lastError
    case retry
    case asMusicianReads
    case attachments
    case attachmentRemoved
    case channelEmail
    case messageQueued
    case messageSent
    case messageFailed
    case typeRequest
    case typeReminder
    case typeConfirmation
    case typePositionFilled
    case typeRequestWithdrawn
    case typeBookingCancelled
    case typeGroupEmail
    case templatesIntro
    case templateMissing
    case templateWrite
    case templateMissingNote
    case templateBody
    case showPreview
    case variables
    case variablesIntro
    case previewSample
    case doneRetry
    case settingsGeneral
    case users
    case apiKeys
    case auditLog
    case settingsRequests
    case settingsSMS
    case settingsEmail
    case settingsEmailIntro
    case reminderPercentage
    case escalationSteps
    case escalationStepsHint
    case retentionYears
    case retentionYearsHint
    case reminderPercentageHint
    case quietHoursStart
    case quietHoursEnd
    case quietHoursHint
    case timeZone
    case conflictPolicy
    case conflictWarn
    case conflictSkip
    case listConflictMode
    case listConflictSimple
    case listConflictSmart
    case defaultLanguage
    case smsOnRequest
    case smsOnReminder
    case emailTransport
    case transportOutbox
    case emailFrom
    case emailFromName
    case emailReplyTo
    case smtpHost
    case smtpPort
    case smtpSecurity
    case smtpNone
    case smtpUsername
    case smtpPassword
    case passwordNotSet
    case passwordSetKeep
    case smtpCACertificate
    case smtpCAHint
    case username
    case role
    case lastLogin
    case you
    case userDisabled
    case disable
    case enable
    case disableConfirm
    case resetPassword
    case resetConfirm
    case makeAdmin
    case makeUser
    case userAdd
    case userAddNote
    case shownOnce
    case newPasswordFor
    case notYourself
    case apiKeysIntro
    case apiKeyCreated
    case keyStart
    case lastUsed
    case revoked
    case revoke
    case revokeConfirm
    case noKeys
    case apiKeyName
    case apiKeyCreate
    case apiKeyNameRule
    case doneRevoked
    case who
    case when
    case what
    case target
    case fromAddress
    case noAudit
    case myAccount
    case changePassword
    case passwordNote
    case currentPassword
    case newPassword
    case repeatPassword
    case passwordRule
    case passwordsDiffer
    case wrongCurrentPassword
    case sessions
    case lastSeen
    case browser
    case thisSession
    case endOtherSessions
    case endSessionsConfirm
    case doneSessionsEnded
    case donePasswordChanged
    case answerTitle
    case answerHello
    case answerAsks
    case answerDeadline
    case answerAccept
    case answerDecline
    case answerAccepted
    case answerAcceptedInfo
    case answerCalendar
    case answerDeclined
    case answerExpired
    case answerFilled
    case answerCancelled
    case answerBookingCancelled
    case answerWithdrawn
    case answerUnknown
    case answerSuspended
    case answerAnsweredYes
    case answerAnsweredNo
    case answerBadChoice
    case strategyEscalating
    case passBlackout
    case mpTitle
    case mpHello
    case mpWeek
    case mpRehearsals
    case mpConcerts
    case mpLocation
    case mpOpen
    case mpNone
    case mpUpcoming
    case mpPast
    case mpAnswerBy
    case mpAccept
    case mpDecline
    case mpBooked
    case mpStatusPlayed
    case mpStatusDeclined
    case mpStatusTimedOut
    case mpStatusWithdrawn
    case mpStatusBookingCancelled
    case mpStatusCancelled
    case mpStatusExpired
    case mpBlackouts
    case mpBlackoutsInfo
    case mpFrom
    case mpTo
    case mpNote
    case mpAdd
    case mpRemove
    case mpDetails
    case mpLanguage
    case mpPhone
    case mpSave
    case mpCalendar
    case mpCalendarInfo
    case mpCalendarMake
    case mpCalendarMade
    case mpContact
    case mpExport
    case mpRevoke
    case mpRevokeInfo
    case mpSaved
    case mpAnsweredYes
    case mpAnsweredNo
    case mpFilled
    case mpExpired
    case mpClosed
    case mpRevoked
    case mpUnknown
    case mpLinkTitle
    case mpLinkInfo
    case mpEmail
    case mpSend
    case mpLinkSent
    case webhooks
    case webhooksIntro
    case webhookSecretShown
    case webhookTestResult
    case webhookEvents
    case webhookEvent
    case webhookTest
    case webhookDeleteConfirm
    case noWebhooks
    case webhookAdd
    case webhookURL
    case eventRequestSent
    case eventRequestAccepted
    case eventRequestDeclined
    case eventRequestTimedOut
    case eventNeedFilled
    case eventBookingCancelled
    case eventTest
    case deliveryState
    case deliveryDelivered
    case deliveryDelayed
    case deliveryBounced
    case deliveryComplained
    case deliveryFailed
    case settingsProviders
    case settingsProvidersIntro
    case resendApiKey
    case resendWebhookSecret
    case smsTransport
    case twilioAccountSid
    case twilioAuthToken
    case twilioFromNumber
    case twilioFromHint
    case testEmailSubject
    case testEmailBody
    case testEmailIntro
    case testEmailSend
    case doneTestEmail
    case typeMusicianLink
    case typeTestEmail
    case orchestraCreated
    case plan
    case databaseSize
    case schema
    case lastBackup
    case health
    case healthOK
    case healthUnreadable
    case healthDamaged
    case healthNotChecked
    case never
    case none
    case orchestraCreate
    case slugHint
    case orchestraName
    case adminEmail
    case adminUsername
    case adminUsernameHint
    case backups
    case appliance
    case suspend
    case suspendConfirm
    case resumeOrchestra
    case backupNow
    case pendingMigrations
    case planAndLimits
    case maxMusicians
    case maxProjects
    case contactName
    case contactEmail
    case restoreBackup
    case noBackups
    case restoreUpload
    case backupPassphrase
    case restoreNote
    case restoreRefused
    case rekey
    case rekeyIntro
    case deleteOrchestra
    case deleteOrchestraIntro
    case errorTypeSlug
    case doneBackup
    case doneRestoredBackup
    case doneRekeyed
    case doneOrchestraDeleted
    case backupSchedule
    case backupKeep
    case backupScheduleOff
    case version
    case uptime
    case dataDirectory
    case keySource
    case keyInsideWarning
    case diskFree
    case openDatabases
    case systemLog
    case level
    case category
    case exportedAt
    case messagesHeld
    case linksHeld
    case exportTitle
    case messagesToMusician
    case privacy
    case exportReadable
    case exportJSON
    case eraseIntro
    case erase
    case eraseConfirmWord
    case doneErased
    case needNotSent
    // @cases-end
}

extension Word {
    var text: (sv: String, en: String) {
        switch self {
        case .skipToContent: ("Till innehållet", "Skip to content")
        case .navMain: ("Huvudmeny", "Main menu")
        case .navDashboard: ("Översikt", "Dashboard")
        case .navMusicians: ("Musiker", "Musicians")
        case .navProjects: ("Projekt", "Projects")
        case .navLists: ("Rankinglistor", "Ranking lists")
        case .navInstruments: ("Instrument", "Instruments")
        case .navCommunication: ("Kommunikation", "Communication")
        case .navSettings: ("Inställningar", "Settings")
        case .logIn: ("Logga in", "Log in")
        case .logOut: ("Logga ut", "Log out")
        case .usernameOrEmail: ("Användarnamn eller e-post", "Username or email")
        case .password: ("Lösenord", "Password")
        case .otherLanguage: ("In English", "På svenska")
        case .loginFailed: ("Fel användarnamn eller lösenord.", "Wrong username or password.")
        case .loginThrottled: ("För många misslyckade inloggningar. Vänta en stund och försök igen.", "Too many failed logins. Wait a while and try again.")
        case .loginDisabled: ("Kontot är avstängt eller orkestern är inte aktiv. Kontakta en administratör.", "The account is disabled or the orchestra is not active. Ask an admin.")
        case .formExpired: ("Formuläret hade gått ut. Ladda om sidan och försök igen.", "The form had expired. Reload the page and try again.")
        case .onlyAdmin: ("Bara orkesterns administratörer kan göra det här.", "Only the orchestra's admins can do this.")
        case .onlySuperadmin: ("Bara en superadministratör kan göra det här.", "Only a superadmin can do this.")
        case .demoBanner: ("Demoläge", "Demo mode")
        case .demoNow: ("Klockan i demon", "Demo time")
        case .demoMoved: ("framflyttad", "moved forward")
        case .demoPlusHour: ("+1 timme", "+1 hour")
        case .demoPlusDay: ("+1 dag", "+1 day")
        case .demoBadHours: ("Välj hur långt klockan ska flyttas.", "Choose how far to move the clock.")
        case .doneClockMoved: ("Klockan är framflyttad; det som förföll är gjort.", "The clock moved forward; what fell due was done.")
        case .errorCode: ("Felkod", "Error code")
        case .requestId: ("förfrågan-id", "request id")
        case .backHome: ("Till startsidan", "Back to the start page")
        case .errorNotFound: ("Sidan finns inte.", "There is no such page.")
        case .errorNotFoundTitle: ("Hittades inte", "Not found")
        case .errorNotFoundAdvice: ("Kontrollera adressen, eller gå tillbaka och välj igen.", "Check the address, or go back and choose again.")
        case .errorForbiddenTitle: ("Inte tillåtet", "Not allowed")
        case .errorForbiddenAdvice: ("Be en administratör i orkestern om behörighet om du behöver göra detta.", "Ask an admin of your orchestra if you need to do this.")
        case .errorConflictTitle: ("Går inte just nu", "Not possible right now")
        case .errorConflictAdvice: ("Något har ändrats sedan sidan visades. Ladda om sidan, se hur det ser ut nu och försök igen.", "Something changed since the page was shown. Reload it, look at how things are now, and try again.")
        case .errorLoginTitle: ("Logga in först", "Log in first")
        case .errorServerTitle: ("Något gick fel hos oss", "Something went wrong on our side")
        case .errorServerAdvice: ("Försök igen om en stund. Om felet står kvar: ge förfrågan-id:t till den som driftar StageSub.", "Try again in a while. If it persists, give the request id to whoever runs StageSub.")
        case .errorBadRequestTitle: ("Något stämmer inte", "Something is not right")
        case .superadminTitle: ("Orkestrar", "Orchestras")
        case .superadminIntro: ("Välj en orkester att arbeta i. Det loggas.", "Choose an orchestra to work in. This is logged.")
        case .superadminInside: ("Du arbetar i", "You are working in")
        case .superadminLeave: ("Lämna orkestern", "Leave the orchestra")
        case .superadminEnter: ("Gå in", "Enter")
        case .superadminNone: ("Inga orkestrar ännu.", "No orchestras yet.")
        case .orchestra: ("Orkester", "Orchestra")
        case .slug: ("Kortnamn", "Slug")
        case .status: ("Status", "Status")
        case .actions: ("Åtgärder", "Actions")
        case .done: ("Klart", "Done")
        case .onboardingTitle: ("Kom igång", "Getting started")
        case .onboardingIntro: ("Från tom orkester till första förfrågan. Listan försvinner när allt är gjort.", "From an empty orchestra to the first request. This list disappears when everything is done.")
        case .onboardingPositions: ("Instrument och stämmor", "Instruments and positions")
        case .onboardingMusicians: ("Lägg till musiker", "Add musicians")
        case .onboardingMusiciansHint: ("eller importera en CSV-fil från Excel", "or import a CSV file from Excel")
        case .onboardingLists: ("Ranka musiker på en A-lista", "Rank musicians on an A list")
        case .onboardingProject: ("Skapa ett projekt", "Create a project")
        case .onboardingNeed: ("Lägg till ett behov i projektet", "Add a need to the project")
        case .onboardingSend: ("Förhandsgranska och skicka första förfrågan", "Preview and send the first request")
        case .dashPending: ("förfrågningar väntar på svar", "requests waiting for an answer")
        case .dashAnsweredWeek: ("svar de senaste 7 dagarna", "answers in the last 7 days")
        case .dashResponseRate: ("svarsfrekvens (30 dagar)", "response rate (30 days)")
        case .dashActiveMusicians: ("aktiva musiker", "active musicians")
        case .dashWaiting: ("Väntar på svar", "Waiting for answers")
        case .dashNothingWaiting: ("Inga förfrågningar väntar på svar.", "No requests are waiting for an answer.")
        case .dashUnfilled: ("Ej tillsatta behov, efter datum", "Unfilled needs by date")
        case .dashAllFilled: ("Alla behov är tillsatta.", "Every need is filled.")
        case .dashUpcoming: ("Kommande projekt", "Upcoming projects")
        case .dashNoUpcoming: ("Inga kommande projekt.", "No upcoming projects.")
        case .dashActivity: ("Senaste händelser", "Latest activity")
        case .dashNoActivity: ("Inga svar ännu.", "No answers yet.")
        case .project: ("Projekt", "Project")
        case .date: ("Datum", "Date")
        case .dates: ("Datum", "Dates")
        case .position: ("Stämma", "Position")
        case .booked: ("Bokade", "Booked")
        case .waitingAnswers: ("Väntar", "Waiting")
        case .staffing: ("Bemanning", "Staffing")
        case .noNeedsYet: ("inga behov ännu", "no needs yet")
        case .projectCreate: ("Nytt projekt", "New project")
        case .roleSuperadmin: ("superadministratör", "superadmin")
        case .roleAdmin: ("administratör", "admin")
        case .roleUser: ("användare", "user")
        case .statusActive: ("aktiv", "active")
        case .statusPendingOrchestra: ("väntar", "pending")
        case .statusSuspended: ("avstängd", "suspended")
        case .needActive: ("skickar", "asking")
        case .needPaused: ("pausad", "paused")
        case .needCancelled: ("avbruten", "cancelled")
        case .needFilled: ("tillsatt", "filled")
        case .requestPending: ("väntar på svar", "waiting")
        case .requestAccepted: ("tackade ja", "accepted")
        case .requestDeclined: ("tackade nej", "declined")
        case .requestCancelled: ("återkallad", "withdrawn by us")
        case .requestTimedOut: ("svarade inte i tid", "timed out")
        case .requestWithdrawn: ("lämnade återbud", "withdrew")
        case .strategySequential: ("en i taget", "one at a time")
        case .strategyParallel: ("parallellt", "in parallel")
        case .strategyFirstCome: ("först till kvarn", "first come")
        case .activityAccepted: ("tackade ja till", "accepted")
        case .activityDeclined: ("tackade nej till", "declined")
        case .activityWithdrawn: ("lämnade återbud till", "withdrew from")
        case .activityReleased: ("avbokades från", "was released from")
        case .activityTimedOut: ("svarade inte på", "did not answer")
        case .musicianNew: ("Ny musiker", "New musician")
        case .importCSV: ("Importera CSV", "Import CSV")
        case .search: ("Sök", "Search")
        case .searchMusiciansHint: ("namn, e-post eller telefon", "name, email or phone")
        case .instrument: ("Instrument", "Instrument")
        case .all: ("Alla", "All")
        case .localOnly: ("Bara lokalt boende", "Local residents only")
        case .filter: ("Filtrera", "Filter")
        case .name: ("Namn", "Name")
        case .plays: ("Spelar", "Plays")
        case .playsNothing: ("Inga stämmor valda ännu", "No positions chosen yet")
        case .email: ("E-post", "Email")
        case .phone: ("Telefon", "Phone")
        case .phoneHint: ("För SMS, med landsnummer: +46 70 123 45 67", "For SMS, with country code: +46 70 123 45 67")
        case .local: ("Lokal", "Local")
        case .noMusiciansFound: ("Inga musiker matchar.", "No musicians match.")
        case .previous: ("Föregående", "Previous")
        case .next: ("Nästa", "Next")
        case .statusCurrent: ("aktiva", "current")
        case .statusInactive: ("inaktiv", "inactive")
        case .statusArchived: ("arkiverad", "archived")
        case .positionsPlayed: ("Stämmor musikern kan spela", "Positions the musician plays")
        case .save: ("Spara", "Save")
        case .cancel: ("Avbryt", "Cancel")
        case .edit: ("Redigera", "Edit")
        case .restore: ("Återställ", "Restore")
        case .archive: ("Arkivera", "Archive")
        case .archiveConfirm: ("Arkivera musikern? Hen får inga nya förfrågningar, men historiken finns kvar.", "Archive this musician? They get no new requests; their history stays.")
        case .musicianArchivedNote: ("Musikern är arkiverad: hen får inga förfrågningar och syns inte i listorna.", "This musician is archived: they get no requests and are not shown in lists.")
        case .language: ("Språk", "Language")
        case .languageSwedish: ("svenska", "Swedish")
        case .languageEnglish: ("engelska", "English")
        case .yes: ("ja", "yes")
        case .no: ("nej", "no")
        case .notes: ("Anteckningar", "Notes")
        case .requestsSent: ("Förfrågningar", "Requests")
        case .acceptedCount: ("Tackat ja", "Accepted")
        case .declinedCount: ("Tackat nej", "Declined")
        case .acceptanceRate: ("Andel ja (av svar)", "Acceptance rate (of answers)")
        case .responseRate: ("Svarsfrekvens", "Response rate")
        case .medianResponse: ("Svarstid (median)", "Response time (median)")
        case .requestHistory: ("Förfrågningar", "Requests")
        case .sent: ("Skickad", "Sent")
        case .answered: ("Svarade", "Answered")
        case .noRequestsYet: ("Inga förfrågningar ännu.", "No requests yet.")
        case .importDone: ("Importen är klar", "The import is done")
        case .importChecked: ("Kontroll av filen", "The file, checked")
        case .importIgnored: ("Kolumner som inte läses", "Columns not read")
        case .importProblems: ("Rader att rätta (inget importeras förrän alla är rätt)", "Rows to fix (nothing is imported until all are right)")
        case .line: ("Rad", "Line")
        case .importCommit: ("Importera musikerna", "Import the musicians")
        case .importSeeRoster: ("Till musikerlistan", "To the roster")
        case .importIntro: ("En CSV-fil från Excel (semikolon eller komma) med rubrikerna förnamn, efternamn, e-post och gärna telefon, språk, lokalt boende och anteckningar (stämmor väljs sedan per musiker eller i listorna). Först kontrolleras filen; inget sparas förrän du bekräftar.", "A CSV file from Excel (semicolon or comma) with the headers first name, last name, email and optionally phone, language, local residence and notes (positions are chosen afterwards per musician or on the lists). The file is checked first; nothing is saved until you confirm.")
        case .importFile: ("CSV-fil", "CSV file")
        case .importPaste: ("…eller klistra in innehållet", "…or paste its contents")
        case .importCheck: ("Kontrollera filen", "Check the file")
        case .importNothing: ("Välj en fil eller klistra in innehållet.", "Choose a file or paste its contents.")
        case .firstName: ("Förnamn", "First name")
        case .lastName: ("Efternamn", "Last name")
        case .localResidence: ("Bor lokalt (ingen resa eller logi behövs)", "Lives locally (no travel or lodging needed)")
        case .activeMusician: ("Tillfrågas", "Available for requests")
        case .activeMusicianHint: ("Av: hen står kvar i listorna men hoppas över.", "Off: they stay on lists but are passed over.")
        case .formHasErrors: ("Några fält behöver rättas; se nedan.", "Some fields need fixing; see below.")
        case .errorRequired: ("Fyll i det här fältet.", "Fill in this field.")
        case .errorEmail: ("Skriv en e-postadress, till exempel namn@exempel.se.", "Enter an email address, for example name@example.com.")
        case .errorDate: ("Skriv ett datum ÅÅÅÅ-MM-DD mellan 2000 och 2100.", "Enter a date YYYY-MM-DD between 2000 and 2100.")
        case .errorNumber: ("Skriv ett heltal", "Enter a whole number")
        case .doneCreated: ("Skapad.", "Created.")
        case .doneSaved: ("Sparat.", "Saved.")
        case .doneArchived: ("Arkiverad.", "Archived.")
        case .doneRestored: ("Återställd.", "Restored.")
        case .doneImported: ("Musikerna är importerade.", "The musicians are imported.")
        case .passNotOnRoster: ("finns inte i registret", "not on the roster")
        case .passArchived: ("arkiverad", "archived")
        case .passInactive: ("tillfrågas inte just nu", "not available for requests")
        case .passNotQualified: ("spelar inte stämman", "does not play the position")
        case .passNotLocal: ("bor inte lokalt", "not a local resident")
        case .passAlreadyAsked: ("redan tillfrågad i projektet", "already asked in this project")
        case .passConflict: ("upptagen i ett överlappande projekt", "busy in an overlapping project")
        case .passBetterElsewhere: ("rankad högre för ett annat behov", "ranked higher for another need")
        case .passWaiting: ("i kö", "in the queue")
        case .holdPaused: ("Behovet är pausat: ingen ny tillfrågas.", "The need is paused: nobody new is asked.")
        case .holdCancelled: ("Behovet är avbrutet.", "The need is cancelled.")
        case .holdFilled: ("Behovet är tillsatt.", "The need is filled.")
        case .holdAwaiting: ("Väntar på svar innan nästa tillfrågas.", "Waiting for answers before the next is asked.")
        case .holdAllPending: ("Alla platser har en förfrågan ute.", "Every place has a request out.")
        case .holdExhausted: ("Listan har ingen kvar att fråga. Lägg till musiker i listan eller boka direkt.", "The list has nobody left to ask. Add musicians to the list or book directly.")
        case .upcoming: ("Kommande", "Upcoming")
        case .past: ("Tidigare", "Past")
        case .sortBy: ("Sortera", "Sort by")
        case .sortStart: ("Startdatum", "Start date")
        case .sortAdded: ("Senast tillagda", "Latest added")
        case .needs: ("Behov", "Needs")
        case .noProjects: ("Inga projekt här.", "No projects here.")
        case .projectName: ("Projektets namn", "Project name")
        case .startDate: ("Första dag", "First day")
        case .endDate: ("Sista dag", "Last day")
        case .weekFollows: ("Veckonumret räknas ut från datumet.", "The week number follows from the date.")
        case .rehearsals: ("Repetitioner", "Rehearsals")
        case .rehearsalsHint: ("En rad per tillfälle, t.ex. \"mån 14/12 10–13 Stora salen\".", "One line each, e.g. \"Mon 14/12 10–13 Main hall\".")
        case .concertInfo: ("Konserter", "Concerts")
        case .notesInternal: ("Syns bara för personalen.", "Only staff see this.")
        case .errorEndBeforeStart: ("Sista dagen är före den första.", "The last day is before the first.")
        case .previewProject: ("Förhandsgranska och skicka", "Preview and send")
        case .archiveProjectConfirm: ("Arkivera projektet? Det försvinner ur listorna men finns kvar.", "Archive the project? It leaves the lists but is kept.")
        case .noNeeds: ("Inga behov ännu. Lägg till det första nedan.", "No needs yet. Add the first below.")
        case .list: ("Lista", "List")
        case .strategy: ("Utskick", "Strategy")
        case .needAdd: ("Lägg till behov", "Add a need")
        case .needAddButton: ("Lägg till behovet", "Add the need")
        case .quantity: ("Antal", "Number of players")
        case .listA: ("A-listan", "The A list")
        case .listB: ("B-listan", "The B list")
        case .listC: ("C-listan", "The C list")
        case .customList: ("Egen lista", "Custom list")
        case .listHint: ("Stämmans rankinglista som musikerna tillfrågas från, i ordning.", "The position's ranking list musicians are asked from, in order.")
        case .strategyHint: ("En i taget: nästa tillfrågas när någon tackar nej eller inte svarar. Parallellt: lika många förfrågningar ute som platser. Först till kvarn: alla (eller max antal) på en gång.", "One at a time: the next is asked when someone declines or does not answer. In parallel: as many requests out as places. First come: everyone (or the maximum) at once.")
        case .responseTimeHours: ("Svarstid (timmar)", "Time to answer (hours)")
        case .maxRecipients: ("Max antal mottagare", "Maximum recipients")
        case .maxRecipientsHint: ("För först till kvarn; tomt = alla på listan.", "For first come; empty = everyone on the list.")
        case .files: ("Filer", "Files")
        case .file: ("Fil", "File")
        case .noFiles: ("Inga filer.", "No files.")
        case .deleteFileConfirm: ("Ta bort filen?", "Delete the file?")
        case .delete: ("Ta bort", "Delete")
        case .sendWith: ("Skickas med", "Sent with")
        case .sendWithRequest: ("förfrågan", "the request")
        case .sendWithConfirmation: ("bekräftelsen", "the confirmation")
        case .upload: ("Ladda upp", "Upload")
        case .customLists: ("Egna listor", "Custom lists")
        case .customListsIntro: ("En lista bara för det här projektet, som börjar som en kopia av stämmans A-, B- eller C-lista.", "A list for this project only, starting as a copy of the position's A, B or C list.")
        case .noCustomLists: ("Inga egna listor.", "No custom lists.")
        case .customListFrom: ("Kopiera från", "Copy from")
        case .customListCreate: ("Skapa listan", "Create the list")
        case .groupEmail: ("Gruppmejl till de bokade", "Group email to those booked")
        case .groupEmailIntro: ("Går till alla som tackat ja i projektet, var och en på sitt språk.", "Goes to everyone who accepted in the project, each in their language.")
        case .subject: ("Ämne", "Subject")
        case .message: ("Meddelande", "Message")
        case .groupEmailSend: ("Skicka gruppmejlet", "Send the group email")
        case .groupEmailHistory: ("Skickade gruppmejl", "Group emails sent")
        case .planAsk: ("Tillfrågas nu", "Asked now")
        case .planConflict: ("krock med annat projekt", "overlaps another project")
        case .planNobody: ("Ingen tillfrågas nu.", "Nobody is asked now.")
        case .planQueue: ("Därefter, i tur och ordning", "Then, in turn")
        case .planPassed: ("Hoppas över", "Passed over")
        case .previewIntro: ("Så här skulle utskicket bli nu. Inget skickas förrän du trycker på knappen.", "This is what sending would do now. Nothing is sent until you press the button.")
        case .sendProject: ("Skicka alla förfrågningar", "Send every request")
        case .preview: ("Förhandsgranskning", "Preview")
        case .sendRequests: ("Skicka förfrågningar", "Send requests")
        case .pause: ("Pausa", "Pause")
        case .resume: ("Återuppta", "Resume")
        case .responseTime: ("Svarstid", "Time to answer")
        case .requests: ("Förfrågningar", "Requests")
        case .musician: ("Musiker", "Musician")
        case .reminder: ("Påminnelse", "Reminder")
        case .deadline: ("Svara senast", "Answer by")
        case .bookedDirectly: ("bokad direkt", "booked directly")
        case .noneBookable: ("Ingen som spelar stämman är kvar att boka (eller ingen matchar sökningen).", "Nobody who plays the position is left to book (or nobody matches the search).")
        case .withdrawConfirm: ("Registrera att musikern har lämnat återbud? Nästa på listan tillfrågas.", "Record that the musician withdrew? The next on the list is asked.")
        case .withdrawConfirmNoneLeft: ("Registrera att musikern har lämnat återbud? Ingen är kvar på listan att fråga: platsen står tom tills du bokar någon direkt eller lägger till musiker på listan.", "Record that the musician withdrew? Nobody is left on the list to ask: the place stays open until you book someone directly or add musicians to the list.")
        case .withdrawConfirmPaused: ("Registrera att musikern har lämnat återbud? Behovet är pausat: ingen tillfrågas förrän du återupptar det.", "Record that the musician withdrew? The need is paused: nobody is asked until you resume it.")
        case .recordWithdrawal: ("Lämnade återbud", "Withdrew")
        case .needChange: ("Ändra behovet", "Change the need")
        case .needChangeHint: ("När förfrågningar har gått ut kan bara antalet ändras.", "Once requests are out, only the number can change.")
        case .bookDirectly: ("Boka direkt", "Book directly")
        case .bookDirectlyIntro: ("Boka en musiker utan förfrågan (hen får en bekräftelse).", "Book a musician without a request (they get a confirmation).")
        case .book: ("Boka", "Book")
        case .cancelNeed: ("Avbryt behovet", "Cancel the need")
        case .cancelNeedIntro: ("Väntande förfrågningar dras tillbaka och de bokade avbokas; alla får ett meddelande.", "Pending requests are withdrawn and those booked are released; everyone is told.")
        case .typeToConfirm: ("Skriv för att bekräfta:", "Type to confirm:")
        case .cancelConfirmWord: ("AVBRYT", "CANCEL")
        case .errorTypeConfirm: ("Skriv ordet exakt som det står.", "Type the word exactly as shown.")
        case .errorChooseFile: ("Välj en fil.", "Choose a file.")
        case .doneSent: ("Förfrågningarna är skickade.", "The requests are sent.")
        case .doneNothingToSend: ("Inget att skicka just nu.", "Nothing to send right now.")
        case .doneUploaded: ("Filen är uppladdad.", "The file is uploaded.")
        case .doneDeleted: ("Borttagen.", "Deleted.")
        case .doneGroupEmail: ("Gruppmejlet ligger i utkorgen.", "The group email is in the outbox.")
        case .donePaused: ("Pausat.", "Paused.")
        case .doneResumed: ("Återupptaget.", "Resumed.")
        case .doneCancelled: ("Behovet är avbrutet.", "The need is cancelled.")
        case .doneBooked: ("Bokad.", "Booked.")
        case .doneWithdrawal: ("Återbudet är registrerat.", "The withdrawal is recorded.")
        case .doneNeedCreated: ("Behovet är tillagt. Förhandsgranska och skicka nedan.", "The need is added. Preview and send below.")
        case .listsIntro: ("Varje stämma har en A-, B- och C-lista. Musikerna tillfrågas i listans ordning.", "Every position has an A, a B and a C list. Musicians are asked in the list's order.")
        case .listTypeTitle: ("lista", "list")
        case .listUsedBy: ("Listan används av behov i:", "The list is used by needs in:")
        case .ranking: ("Rankning", "Ranking")
        case .rankingHelp: ("Dra för att ändra ordningen, eller använd pilarna.", "Drag to change the order, or use the arrows.")
        case .moveUp: ("Flytta upp", "Move up")
        case .moveDown: ("Flytta ned", "Move down")
        case .removeFromList: ("Ta bort från listan", "Remove from the list")
        case .listEmpty: ("Listan är tom. Lägg till musiker till höger.", "The list is empty. Add musicians beside it.")
        case .addToList: ("Lägg till musiker", "Add musicians")
        case .qualifiedNotOnList: ("Musiker som spelar stämman och inte står på listan", "Musicians who play the position and are not on the list")
        case .noCandidates: ("Inga fler musiker spelar stämman. Välj stämmor på musikerns sida.", "No more musicians play the position. Choose positions on a musician's page.")
        case .addSelected: ("Lägg till de valda", "Add the selected")
        case .listDescription: ("Beskrivning", "Description")
        case .clearList: ("Töm listan", "Clear the list")
        case .clearConfirmWord: ("RADERA", "CLEAR")
        case .listInUseCannotClear: ("Listan används av ett behov som skickar eller är pausat; den kan inte tömmas nu.", "A need that is asking or paused uses this list; it cannot be cleared now.")
        case .errorChooseMusicians: ("Välj minst en musiker.", "Choose at least one musician.")
        case .doneAdded: ("Tillagda.", "Added.")
        case .doneRemoved: ("Borttagen från listan.", "Removed from the list.")
        case .doneCleared: ("Listan är tömd.", "The list is cleared.")
        case .instrumentsIntro: ("Instrumenten i partiturordning, med sina stämmor. Arkiverade syns inte när man väljer stämma.", "The instruments in score order, with their positions. Archived ones are not offered when choosing a position.")
        case .instrumentAdd: ("Lägg till instrument", "Add an instrument")
        case .nameSwedish: ("Namn (svenska)", "Name (Swedish)")
        case .nameEnglish: ("Namn (engelska)", "Name (English)")
        case .rename: ("Byt namn", "Rename")
        case .archiveInstrumentConfirm: ("Arkivera instrumentet och dess stämmor?", "Archive the instrument and its positions?")
        case .positionNew: ("Ny stämma", "New position")
        case .positionAdd: ("Lägg till stämma", "Add the position")
        case .templates: ("Meddelandemallar", "Message templates")
        case .messageType: ("Typ", "Type")
        case .created: ("Skapad", "Created")
        case .recipient: ("Mottagare", "Recipient")
        case .noMessages: ("Inga meddelanden.", "No messages.")
        case .attempts: ("Försök", "Attempts")
        case .lastError: ("Senaste fel", "Last error")
        case .retry: ("Försök igen", "Retry")
        case .asMusicianReads: ("Så här ser musikern meddelandet", "The message as the musician reads it")
        case .attachments: ("Bifogade filer", "Attached files")
        case .attachmentRemoved: ("filen är borttagen från projektet och skickas inte", "the file was taken off the project and is not sent")
        case .channelEmail: ("e-post", "email")
        case .messageQueued: ("i kö", "queued")
        case .messageSent: ("skickat", "sent")
        case .messageFailed: ("misslyckades", "failed")
        case .typeRequest: ("Förfrågan", "Request")
        case .typeReminder: ("Påminnelse", "Reminder")
        case .typeConfirmation: ("Bekräftelse", "Confirmation")
        case .typePositionFilled: ("Tjänsten tillsatt", "Position filled")
        case .typeRequestWithdrawn: ("Förfrågan tillbakadragen", "Request withdrawn")
        case .typeBookingCancelled: ("Avbokning", "Booking cancelled")
        case .typeGroupEmail: ("Gruppmejl", "Group email")
        case .templatesIntro: ("Mallarna för varje typ av meddelande, på svenska och engelska. Musikern får mallen på sitt språk.", "The templates for every kind of message, in Swedish and English. A musician gets the one in their language.")
        case .templateMissing: ("saknas", "missing")
        case .templateWrite: ("Skriv", "Write")
        case .templateMissingNote: ("Mallen saknas: meddelanden av den här typen använder den svenska mallen tills den finns.", "This template is missing: messages of this kind use the Swedish one until it exists.")
        case .templateBody: ("Text", "Text")
        case .showPreview: ("Förhandsgranska", "Preview")
        case .variables: ("Variabler", "Variables")
        case .variablesIntro: ("Skrivs in i texten och byts mot det som gäller för varje musiker.", "Written into the text and replaced by what applies to each musician.")
        case .previewSample: ("Förhandsgranskning med exempeldata", "Preview with sample data")
        case .doneRetry: ("Meddelandet skickas igen.", "The message will be sent again.")
        case .settingsGeneral: ("Allmänt", "General")
        case .users: ("Användare", "Users")
        case .apiKeys: ("API-nycklar", "API keys")
        case .auditLog: ("Ändringslogg", "Audit log")
        case .settingsRequests: ("Förfrågningar", "Requests")
        case .settingsSMS: ("SMS", "SMS")
        case .settingsEmail: ("E-post", "Email")
        case .settingsEmailIntro: ("Med utkorg stannar meddelandena här och kan läsas under Kommunikation (demon). Med SMTP skickas de via er e-postserver.", "With the outbox, messages stay here and can be read under Communication (the demo). With SMTP they go through your mail server.")
        case .escalationSteps: ("Steg för eskalerande behov", "Steps of escalating needs")
        case .escalationStepsHint: ("Ett steg gäller till N dagar före första repetitionen, det sista till slutet. Till exempel: sequential 48h until 21d; parallel x2 24h until 7d; first_come 12h",
                                    "Each step lasts until N days before the first rehearsal, the last to the end. For example: sequential 48h until 21d; parallel x2 24h until 7d; first_come 12h")
        case .retentionYears: ("Radera musiker utan aktivitet efter (år)", "Erase musicians with no activity after (years)")
        case .retentionYearsHint: ("0 = raderas aldrig av sig självt.", "0 = never erased by itself.")
        case .reminderPercentage: ("Påminnelse efter (% av svarstiden)", "Reminder after (% of the time to answer)")
        case .reminderPercentageHint: ("0 = ingen påminnelse.", "0 = no reminder.")
        case .quietHoursStart: ("Tyst tid från", "Quiet hours from")
        case .quietHoursEnd: ("Tyst tid till", "Quiet hours until")
        case .quietHoursHint: ("Inga meddelanden skickas under tyst tid; de väntar till efteråt.", "No messages go out in quiet hours; they wait until after.")
        case .timeZone: ("Tidszon", "Time zone")
        case .conflictPolicy: ("Musiker upptagen i annat projekt", "Musician busy in another project")
        case .conflictWarn: ("fråga ändå, med varning", "ask anyway, with a warning")
        case .conflictSkip: ("hoppa över", "pass over")
        case .listConflictMode: ("Musiker på flera behovs listor", "Musician on several needs' lists")
        case .listConflictSimple: ("det behov som frågar först", "whichever need asks first")
        case .listConflictSmart: ("där hen är högst rankad", "where they rank highest")
        case .defaultLanguage: ("Orkesterns språk", "The orchestra's language")
        case .smsOnRequest: ("SMS med förfrågan", "SMS with the request")
        case .smsOnReminder: ("SMS med påminnelsen", "SMS with the reminder")
        case .emailTransport: ("Hur e-post skickas", "How email is sent")
        case .transportOutbox: ("stannar i utkorgen", "stays in the outbox")
        case .emailFrom: ("Avsändaradress", "From address")
        case .emailFromName: ("Avsändarnamn", "From name")
        case .emailReplyTo: ("Svarsadress", "Reply-to address")
        case .smtpHost: ("SMTP-server", "SMTP server")
        case .smtpPort: ("Port", "Port")
        case .smtpSecurity: ("Kryptering", "Encryption")
        case .smtpNone: ("ingen (bara lokalt)", "none (local only)")
        case .smtpUsername: ("SMTP-användare", "SMTP username")
        case .smtpPassword: ("SMTP-lösenord", "SMTP password")
        case .passwordNotSet: ("Inget lösenord sparat.", "No password stored.")
        case .passwordSetKeep: ("Ett lösenord är sparat; lämna tomt för att behålla det.", "A password is stored; leave empty to keep it.")
        case .smtpCACertificate: ("Egen CA (PEM)", "Own CA (PEM)")
        case .smtpCAHint: ("Bara om servern har ett certifikat från en egen CA.", "Only if the server's certificate is from your own CA.")
        case .username: ("Användarnamn", "Username")
        case .role: ("Roll", "Role")
        case .lastLogin: ("Senast inloggad", "Last login")
        case .you: ("du", "you")
        case .userDisabled: ("avstängd", "disabled")
        case .disable: ("Stäng av", "Disable")
        case .enable: ("Aktivera", "Enable")
        case .disableConfirm: ("Stäng av användaren? Hen loggas ut direkt.", "Disable the user? They are logged out at once.")
        case .resetPassword: ("Nytt lösenord", "New password")
        case .resetConfirm: ("Skapa ett nytt lösenord? Det gamla slutar gälla och hen loggas ut.", "Make a new password? The old one stops working and they are logged out.")
        case .makeAdmin: ("Gör till administratör", "Make admin")
        case .makeUser: ("Gör till användare", "Make user")
        case .userAdd: ("Lägg till användare", "Add a user")
        case .userAddNote: ("Ett lösenord skapas och visas en gång; ge det till personen på ett säkert sätt.", "A password is made and shown once; give it to the person safely.")
        case .shownOnce: ("Visas bara nu. Kopiera det nu.", "Shown only now. Copy it now.")
        case .newPasswordFor: ("Nytt lösenord för", "New password for")
        case .notYourself: ("Det gäller ditt eget konto; be en annan administratör.", "That is your own account; ask another admin.")
        case .apiKeysIntro: ("För orkesterns egna system (lön, kalender). Nyckeln skickas som Authorization: Bearer. Dokumentation:", "For the orchestra's own systems (payroll, calendar). The key goes in Authorization: Bearer. Documentation:")
        case .apiKeyCreated: ("Den nya API-nyckeln:", "The new API key:")
        case .keyStart: ("Början", "Starts with")
        case .lastUsed: ("Senast använd", "Last used")
        case .revoked: ("återkallad", "revoked")
        case .revoke: ("Återkalla", "Revoke")
        case .revokeConfirm: ("Återkalla nyckeln? System som använder den slutar fungera.", "Revoke the key? Systems using it stop working.")
        case .noKeys: ("Inga API-nycklar.", "No API keys.")
        case .apiKeyName: ("Namn på nyckeln", "Key name")
        case .apiKeyCreate: ("Skapa API-nyckel", "Create an API key")
        case .apiKeyNameRule: ("Ge nyckeln ett namn på 1–80 tecken.", "Give the key a name of 1–80 characters.")
        case .doneRevoked: ("Återkallad.", "Revoked.")
        case .who: ("Vem", "Who")
        case .when: ("När", "When")
        case .what: ("Vad", "What")
        case .target: ("Gällde", "Target")
        case .fromAddress: ("Från adress", "From address")
        case .noAudit: ("Inga ändringar ännu.", "No changes yet.")
        case .myAccount: ("Mitt konto", "My account")
        case .changePassword: ("Byt lösenord", "Change password")
        case .passwordNote: ("Efter bytet loggas du ut överallt och loggar in med det nya.", "After the change you are logged out everywhere and log in with the new one.")
        case .currentPassword: ("Nuvarande lösenord", "Current password")
        case .newPassword: ("Nytt lösenord", "New password")
        case .repeatPassword: ("Nytt lösenord igen", "New password again")
        case .passwordRule: ("Minst 12 tecken.", "At least 12 characters.")
        case .passwordsDiffer: ("Lösenorden är inte lika.", "The passwords differ.")
        case .wrongCurrentPassword: ("Det nuvarande lösenordet stämmer inte.", "The current password is wrong.")
        case .sessions: ("Inloggningar", "Sessions")
        case .lastSeen: ("Senast aktiv", "Last active")
        case .browser: ("Webbläsare", "Browser")
        case .thisSession: ("den här", "this one")
        case .endOtherSessions: ("Logga ut överallt utom här", "Log out everywhere else")
        case .endSessionsConfirm: ("Logga ut alla andra inloggningar?", "Log out every other session?")
        case .doneSessionsEnded: ("Övriga inloggningar är utloggade.", "Other sessions are logged out.")
        case .donePasswordChanged: ("Lösenordet är bytt. Logga in med det nya.", "The password is changed. Log in with the new one.")
        case .answerTitle: ("Förfrågan om vikariat", "Substitute request")
        case .answerHello: ("Hej", "Hello")
        case .answerAsks: ("undrar om du kan spela", "asks whether you can play")
        case .answerDeadline: ("Svara senast", "Please answer by")
        case .answerAccept: ("Ja, jag kan", "Yes, I can play")
        case .answerDecline: ("Nej, jag kan inte", "No, I cannot")
        case .answerAccepted: ("Tack — du är bokad.", "Thank you — you are booked.")
        case .answerAcceptedInfo: ("En bekräftelse kommer med e-post.", "A confirmation is on its way by email.")
        case .answerCalendar: ("Lägg till i kalendern (.ics)", "Add to calendar (.ics)")
        case .answerDeclined: ("Tack för ditt svar. Du har tackat nej till förfrågan.", "Thank you for answering. You have declined this request.")
        case .answerExpired: ("Tiden för att svara på förfrågan har gått ut.", "The time to answer this request has passed.")
        case .answerFilled: ("Tack, men tjänsten är redan tillsatt.", "Thank you, but the position has already been filled.")
        case .answerCancelled: ("Orkestern har dragit tillbaka förfrågan.", "This request has been withdrawn by the orchestra.")
        case .answerBookingCancelled: ("Orkestern har avbokat dig: du är inte längre bokad för dessa datum.", "The orchestra has cancelled this booking: you are no longer booked for these dates.")
        case .answerWithdrawn: ("Orkestern har noterat att du har lämnat återbud. Tack för att du hörde av dig.", "The orchestra has recorded that you withdrew from this booking. Thank you for letting us know.")
        case .answerUnknown: ("Länken är inte giltig. Kontrollera att du fick med hela länken.", "This link is not valid. Check that you copied all of it.")
        case .answerSuspended: ("Orkestern är inte tillgänglig i StageSub just nu. Kontakta orkestern direkt.", "This orchestra is not available in StageSub at the moment. Please contact the orchestra directly.")
        case .answerAnsweredYes: ("Du har redan tackat ja till förfrågan.", "You have already accepted this request.")
        case .answerAnsweredNo: ("Du har redan tackat nej till förfrågan.", "You have already declined this request.")
        case .answerBadChoice: ("Välj Ja eller Nej.", "Choose Yes or No.")
        case .strategyEscalating: ("trappas upp mot konserten", "escalating as the concert nears")
        case .passBlackout: ("har anmält att hen inte kan de dagarna", "said they are unavailable on those days")
        case .mpTitle: ("Min sida", "My page")
        case .mpHello: ("Hej", "Hello")
        case .mpWeek: ("vecka", "week")
        case .mpRehearsals: ("Repetitioner", "Rehearsals")
        case .mpConcerts: ("Konserter", "Concerts")
        case .mpLocation: ("Plats", "Where")
        case .mpOpen: ("Förfrågningar som väntar på ditt svar", "Requests waiting for your answer")
        case .mpNone: ("Inget här just nu.", "Nothing here right now.")
        case .mpUpcoming: ("Dina bokningar", "Your bookings")
        case .mpPast: ("Tidigare förfrågningar", "Earlier requests")
        case .mpAnswerBy: ("Svara senast", "Please answer by")
        case .mpAccept: ("Ja, jag kan", "Yes, I can play")
        case .mpDecline: ("Nej, jag kan inte", "No, I cannot")
        case .mpBooked: ("Bokad", "Booked")
        case .mpStatusPlayed: ("Spelat", "Played")
        case .mpStatusDeclined: ("Du tackade nej", "You declined")
        case .mpStatusTimedOut: ("Inget svar i tid", "No answer in time")
        case .mpStatusWithdrawn: ("Du lämnade återbud", "You withdrew")
        case .mpStatusBookingCancelled: ("Avbokad av orkestern", "Cancelled by the orchestra")
        case .mpStatusCancelled: ("Återkallad av orkestern", "Withdrawn by the orchestra")
        case .mpStatusExpired: ("Svarstiden gick ut", "The time to answer passed")
        case .mpBlackouts: ("Datum då jag inte kan spela", "Dates I cannot play")
        case .mpBlackoutsInfo: ("Du tillfrågas inte om projekt dessa dagar.", "You will not be asked for projects on these days.")
        case .mpFrom: ("Från", "From")
        case .mpTo: ("Till", "To")
        case .mpNote: ("Anteckning (frivillig)", "Note (optional)")
        case .mpAdd: ("Lägg till", "Add")
        case .mpRemove: ("Ta bort", "Remove")
        case .mpDetails: ("Mina uppgifter", "My details")
        case .mpLanguage: ("Språk", "Language")
        case .mpPhone: ("Mobilnummer", "Mobile phone")
        case .mpSave: ("Spara", "Save")
        case .mpCalendar: ("Min kalender", "My calendar")
        case .mpCalendarInfo: ("Prenumerera på dina bokningar i Google-, Apple- eller Outlook-kalendern. En ny adress stänger den gamla.", "Subscribe to your bookings in Google, Apple or Outlook calendar. Making a new address stops the old one.")
        case .mpCalendarMake: ("Skapa en kalenderadress", "Make a calendar address")
        case .mpCalendarMade: ("Din kalenderadress (kopiera den nu; den visas bara en gång):", "Your calendar address (copy it now; it is shown only once):")
        case .mpContact: ("Frågor? Kontakta", "Questions? Contact")
        case .mpExport: ("Ladda ner allt orkestern har sparat om mig (JSON)", "Download everything the orchestra holds about me (JSON)")
        case .mpRevoke: ("Stäng den här länken", "Stop this link")
        case .mpRevokeInfo: ("Länken slutar fungera direkt; be om en ny på sidan ”min länk”.", "The link stops working at once; ask for a new one on the “my link” page.")
        case .mpSaved: ("Sparat.", "Saved.")
        case .mpAnsweredYes: ("Tack — du är bokad. En bekräftelse är på väg.", "Thank you — you are booked. A confirmation is on its way.")
        case .mpAnsweredNo: ("Tack för ditt svar.", "Thank you for answering.")
        case .mpFilled: ("Tack, men platsen är redan tillsatt.", "Thank you, but the position has already been filled.")
        case .mpExpired: ("Tiden för att svara på förfrågan har gått ut.", "The time to answer that request has passed.")
        case .mpClosed: ("Förfrågan är redan besvarad eller återkallad.", "That request has already been answered or withdrawn.")
        case .mpRevoked: ("Länken fungerar inte längre. Du kan be om en ny.", "This link no longer works. You can ask for a new one.")
        case .mpUnknown: ("Länken fungerar inte (den kan ha gått ut eller stängts). Be om en ny på sidan ”min länk”.", "This link does not work (it may have expired or been stopped). Ask for a new one on the “my link” page.")
        case .mpLinkTitle: ("Min länk", "My link")
        case .mpLinkInfo: ("Skriv din e-postadress så skickar vi en länk till din sida.", "Enter your email address and we will send you a link to your page.")
        case .mpEmail: ("E-postadress", "Email address")
        case .mpSend: ("Skicka min länk", "Send me my link")
        case .mpLinkSent: ("Om adressen tillhör en musiker i en orkester här är en länk till sidan på väg. Titta i inkorgen om några minuter.", "If the address belongs to a musician of an orchestra here, a link to their page is on its way. Check your inbox in a few minutes.")
        case .webhooks: ("Webhooks", "Webhooks")
        case .webhooksIntro: ("Orkesterns egna system (lön, kalender) kan få ett signerat meddelande när något händer. Adressen måste börja med https://.", "Your own systems (payroll, calendar) can get a signed message when something happens. The address must start with https://.")
        case .webhookSecretShown: ("Signeringsnyckeln för den nya adressen (mottagaren kontrollerar X-StageSub-Signature med den):", "The signing secret of the new endpoint (the receiver checks X-StageSub-Signature with it):")
        case .webhookTestResult: ("Testhändelsen", "The test event")
        case .webhookEvents: ("Händelser", "Events")
        case .webhookEvent: ("Händelse", "Event")
        case .webhookTest: ("Skicka testhändelse", "Send a test event")
        case .webhookDeleteConfirm: ("Ta bort adressen och dess logg?", "Remove the endpoint and its log?")
        case .noWebhooks: ("Inga webhook-adresser.", "No webhook endpoints.")
        case .webhookAdd: ("Lägg till webhook-adress", "Add a webhook endpoint")
        case .webhookURL: ("Adress (https://…)", "Address (https://…)")
        case .eventRequestSent: ("förfrågan skickad", "request sent")
        case .eventRequestAccepted: ("förfrågan accepterad", "request accepted")
        case .eventRequestDeclined: ("förfrågan nekad", "request declined")
        case .eventRequestTimedOut: ("inget svar i tid", "request timed out")
        case .eventNeedFilled: ("behov tillsatt", "need filled")
        case .eventBookingCancelled: ("bokning avbokad", "booking cancelled")
        case .eventTest: ("test", "test")
        case .deliveryState: ("Levererat?", "Delivery")
        case .deliveryDelivered: ("levererat", "delivered")
        case .deliveryDelayed: ("fördröjt", "delayed")
        case .deliveryBounced: ("studsade", "bounced")
        case .deliveryComplained: ("markerat som skräppost", "marked as spam")
        case .deliveryFailed: ("misslyckades hos leverantören", "failed at the provider")
        case .settingsProviders: ("Resend och Twilio", "Resend and Twilio")
        case .settingsProvidersIntro: ("E-post via Resend och SMS via Twilio, med nycklarna från deras konton. Nycklarna visas aldrig igen; lämna tomt för att behålla dem.", "Email through Resend and SMS through Twilio, with the keys from your accounts. Keys are never shown again; leave empty to keep them.")
        case .resendApiKey: ("Resends API-nyckel", "Resend API key")
        case .resendWebhookSecret: ("Resends webhook-hemlighet (whsec_…)", "Resend webhook secret (whsec_…)")
        case .smsTransport: ("Hur SMS skickas", "How SMS is sent")
        case .twilioAccountSid: ("Twilio Account SID", "Twilio Account SID")
        case .twilioAuthToken: ("Twilio Auth Token", "Twilio Auth Token")
        case .twilioFromNumber: ("Avsändare för SMS", "SMS sender")
        case .twilioFromHint: ("Ett nummer (+46…) eller ett namn på högst 11 tecken.", "A number (+46…) or a name of at most 11 characters.")
        case .testEmailSubject: ("StageSub: testmejl", "StageSub: test email")
        case .testEmailBody: ("Det här är ett testmejl från StageSub. Kom det fram fungerar orkesterns e-postinställningar.", "This is a test email from StageSub. If it arrived, the orchestra's email settings work.")
        case .testEmailIntro: ("Spara först; skicka sedan ett testmejl till din egen adress och se i utkorgen om det gick iväg.", "Save first; then send a test email to your own address and see in the outbox whether it left.")
        case .testEmailSend: ("Skicka ett testmejl till mig", "Send a test email to me")
        case .doneTestEmail: ("Testmejlet ligger i utkorgen; här ser du om det gick iväg.", "The test email is in the outbox; here you see whether it left.")
        case .typeMusicianLink: ("Länk till min sida", "Link to my page")
        case .typeTestEmail: ("Testmejl", "Test email")
        case .orchestraCreated: ("Orkestern är skapad. Första administratören för", "The orchestra is created. The first admin of")
        case .plan: ("Abonnemang", "Plan")
        case .databaseSize: ("Storlek", "Size")
        case .schema: ("Schema", "Schema")
        case .lastBackup: ("Senaste säkerhetskopia", "Last backup")
        case .health: ("Hälsa", "Health")
        case .healthOK: ("ok", "ok")
        case .healthUnreadable: ("kan inte öppnas", "cannot be opened")
        case .healthDamaged: ("skadad", "damaged")
        case .healthNotChecked: ("inte kontrollerad (avstängd)", "not checked (suspended)")
        case .never: ("aldrig", "never")
        case .none: ("inga", "none")
        case .orchestraCreate: ("Skapa orkester", "Create an orchestra")
        case .slugHint: ("Små bokstäver, siffror och bindestreck; blir en del av musikernas länkar.", "Lower-case letters, digits and hyphens; part of the musicians' links.")
        case .orchestraName: ("Orkesterns namn", "Orchestra name")
        case .adminEmail: ("Första administratörens e-post", "First admin's email")
        case .adminUsername: ("Första administratörens användarnamn", "First admin's username")
        case .adminUsernameHint: ("Tomt: kortnamn-admin.", "Empty: slug-admin.")
        case .backups: ("Säkerhetskopior", "Backups")
        case .appliance: ("Servern", "Appliance")
        case .suspend: ("Stäng av", "Suspend")
        case .suspendConfirm: ("Stänga av orkestern? Dess användare loggas ut och dess musiker kan inte svara.", "Suspend the orchestra? Its users are logged out and its musicians cannot answer.")
        case .resumeOrchestra: ("Aktivera igen", "Resume")
        case .backupNow: ("Säkerhetskopiera nu", "Back up now")
        case .pendingMigrations: ("Väntande migreringar", "Pending migrations")
        case .planAndLimits: ("Abonnemang och gränser", "Plan and limits")
        case .maxMusicians: ("Max antal musiker", "Maximum musicians")
        case .maxProjects: ("Max antal projekt", "Maximum projects")
        case .contactName: ("Kontaktperson", "Contact name")
        case .contactEmail: ("Kontaktens e-post", "Contact email")
        case .restoreBackup: ("Återställ", "Restore")
        case .noBackups: ("Inga säkerhetskopior.", "No backups.")
        case .restoreUpload: ("Återställ från en fil", "Restore from a file")
        case .backupPassphrase: ("Lösenfras (om kopian har en)", "Passphrase (if the backup has one)")
        case .restoreNote: ("Kopian kontrolleras först; den nuvarande databasen finns kvar tills bytet lyckats. Orkestern svarar 503 under de sekunder bytet tar.", "The backup is checked first; the current database stays until the swap succeeds. The orchestra answers 503 for the seconds the swap takes.")
        case .restoreRefused: ("Kopian kunde inte återställas:", "The backup could not be restored:")
        case .rekey: ("Byt orkesterns datanyckel", "Re-encrypt with a new data key")
        case .rekeyIntro: ("Krypterar om databasen med en ny nyckel medan servern kör; orkestern svarar 503 några sekunder.", "Re-encrypts the database under a new key while the server runs; the orchestra answers 503 for a few seconds.")
        case .deleteOrchestra: ("Radera orkestern", "Delete the orchestra")
        case .deleteOrchestraIntro: ("En sista säkerhetskopia görs först och finns kvar i säkerhetskopiemappen.", "A final backup is made first and stays in the backups folder.")
        case .errorTypeSlug: ("Skriv orkesterns kortnamn exakt för att bekräfta.", "Type the orchestra's slug exactly to confirm.")
        case .doneBackup: ("Säkerhetskopian är gjord.", "The backup is made.")
        case .doneRestoredBackup: ("Säkerhetskopian är återställd.", "The backup is restored.")
        case .doneRekeyed: ("Orkestern är krypterad med en ny nyckel.", "The orchestra is encrypted under a new key.")
        case .doneOrchestraDeleted: ("Orkestern är raderad; den sista säkerhetskopian finns kvar.", "The orchestra is deleted; its final backup remains.")
        case .backupSchedule: ("Schemalagd säkerhetskopiering varje dag kl.", "Scheduled backups every day at")
        case .backupKeep: ("sparar", "keeping")
        case .backupScheduleOff: ("Ingen schemalagd säkerhetskopiering.", "No scheduled backups.")
        case .version: ("Version", "Version")
        case .uptime: ("Igång sedan", "Up for")
        case .dataDirectory: ("Datakatalog", "Data directory")
        case .keySource: ("Huvudnyckel", "Master key")
        case .keyInsideWarning: ("ligger i datakatalogen: en kopia av katalogen innehåller då nyckeln", "inside the data directory: a copy of the directory then holds the key")
        case .diskFree: ("Ledigt diskutrymme", "Disk free")
        case .openDatabases: ("Öppna databaser", "Open databases")
        case .systemLog: ("Systemlogg", "System log")
        case .level: ("Nivå", "Level")
        case .category: ("Kategori", "Category")
        case .exportedAt: ("Exporterad", "Exported")
        case .messagesHeld: ("Meddelanden", "Messages")
        case .linksHeld: ("Länkar", "Links")
        case .exportTitle: ("Allt om", "Everything about")
        case .messagesToMusician: ("Meddelanden till musikern", "Messages to this musician")
        case .privacy: ("Personuppgifter (GDPR)", "Personal data (GDPR)")
        case .exportReadable: ("Exportera allt (läsbar sida)", "Export everything (readable page)")
        case .exportJSON: ("Exportera allt (JSON)", "Export everything (JSON)")
        case .eraseIntro: ("Radera musikerns personuppgifter. Förfrågningarna finns kvar utan namn, så statistik och historik stämmer; en väntande förfrågan dras tillbaka. Kan inte ångras; ändringsloggen visar vem som gjorde det.", "Erase the musician's personal data. Their requests stay without a name, so statistics and history stay true; a pending request is withdrawn. Cannot be undone; the audit log shows who did it.")
        case .erase: ("Radera personuppgifterna", "Erase the personal data")
        case .eraseConfirmWord: ("RADERA", "ERASE")
        case .doneErased: ("Personuppgifterna är raderade.", "The personal data is erased.")
        case .needNotSent: ("inte skickat än", "not sent yet")
        // @texts-end
        }
    }

    /// Words that a redirect may show as its notice (`?done=doneSaved`).
    var isNotice: Bool { rawValue.hasPrefix("done") }
}

/// The words of one language, and the names of the domain's values in it.
struct Words: Sendable {
    let language: Language

    subscript(_ word: Word) -> String { language == .en ? word.text.en : word.text.sv }

    func role(_ role: User.Role) -> String {
        switch role {
        case .superadmin: return self[.roleSuperadmin]
        case .admin: return self[.roleAdmin]
        case .user: return self[.roleUser]
        }
    }

    func orchestraStatus(_ status: Orchestra.Status) -> String {
        switch status {
        case .active: return self[.statusActive]
        case .pending: return self[.statusPendingOrchestra]
        case .suspended: return self[.statusSuspended]
        }
    }

    func needStatus(_ status: NeedStatus) -> String {
        switch status {
        case .active: return self[.needActive]
        case .paused: return self[.needPaused]
        case .cancelled: return self[.needCancelled]
        case .filled: return self[.needFilled]
        }
    }

    func requestStatus(_ status: RequestStatus) -> String {
        switch status {
        case .pending: return self[.requestPending]
        case .accepted: return self[.requestAccepted]
        case .declined: return self[.requestDeclined]
        case .cancelled: return self[.requestCancelled]
        case .timedOut: return self[.requestTimedOut]
        case .withdrawn: return self[.requestWithdrawn]
        }
    }

    func strategy(_ strategy: RequestStrategy) -> String {
        switch strategy {
        case .sequential: return self[.strategySequential]
        case .parallel: return self[.strategyParallel]
        case .firstCome: return self[.strategyFirstCome]
        case .escalating: return self[.strategyEscalating]
        }
    }

    /// "tackade ja till" / "accepted": the dashboard's activity lines.
    func activityVerb(_ status: RequestStatus) -> String {
        switch status {
        case .accepted: return self[.activityAccepted]
        case .declined: return self[.activityDeclined]
        case .withdrawn: return self[.activityWithdrawn]
        case .cancelled: return self[.activityReleased]
        case .pending, .timedOut: return self[.activityTimedOut]
        }
    }

    /// A sentence with values in it, in this language: both texts are written where the values are at hand.
    func say(_ sv: @autoclosure () -> String, _ en: @autoclosure () -> String) -> String { language == .en ? en() : sv() }

    /// What is wrong with a row of an import file, as the import report says it.
    func importProblem(_ problem: ImportProblem) -> String {
        switch problem {
        case .noColumn(let names): say("ingen kolumn för \(names.joined(separator: " / "))", "no column for \(names.joined(separator: " / "))")
        case .firstNameMissing: say("förnamn saknas", "first name missing")
        case .lastNameMissing: say("efternamn saknas", "last name missing")
        case .emailMissing: say("e-post saknas", "email missing")
        case .notAnEmail(let text): say("\"\(text)\" är ingen e-postadress", "\"\(text)\" is not an email address")
        case .emailAlsoOnLine(let email, let line): say("\(email) finns också på rad \(line)", "\(email) is also on line \(line)")
        case .unknownLanguage(let text): say("språket \"\(text)\" är varken svenska eller engelska", "language \"\(text)\" is neither Swedish nor English")
        case .notYesOrNo(let text): say("\"\(text)\" är varken ja eller nej", "\"\(text)\" is neither yes nor no")
        case .emailTaken(let email, let name, _): say("\(email) tillhör redan \(name)", "\(email) already belongs to \(name)")
        case .phoneTaken(let phone, let name, _): say("\(phone) tillhör redan \(name)", "\(phone) already belongs to \(name)")
        case .phoneAlsoOnLine(let phone, let line): say("\(phone) finns också på rad \(line)", "\(phone) is also on line \(line)")
        case .planLimit(let max, let onRoster, let adding):
            say("abonnemanget tillåter \(max) musiker; \(onRoster) finns i registret och filen lägger till \(adding)",
                "the plan allows \(max) musicians; \(onRoster) are on the roster and the file adds \(adding)")
        }
    }

    /// Under a picker that shows only the first musicians: how many of how many, and how to find the rest.
    func candidatesShown(_ shown: Int, of total: Int) -> String {
        say("Visar \(shown) av \(total). Sök på namn för att hitta de andra.", "Showing \(shown) of \(total). Search by name to find the others.")
    }

    /// The import report's first line: how many rows the file has and what happens to them.
    func importSummary(rows: Int, good: Int, committed: Bool, bad: Int) -> String {
        if committed { return say("\(good) musiker är importerade.", "\(good) musicians imported.") }
        if bad == 0 { return say("\(good) musiker kan importeras.", "\(good) musicians can be imported.") }
        return say("\(rows) rader i filen, \(bad) med fel; inget importeras förrän alla rader är rätt.",
                   "\(rows) rows in the file, \(bad) with errors; nothing is imported until every row is right.")
    }

    /// Why the planner passes a musician over, as the preview says it.
    func passReason(_ reason: PassReason) -> String {
        switch reason {
        case .notOnRoster: return self[.passNotOnRoster]
        case .archived: return self[.passArchived]
        case .inactive: return self[.passInactive]
        case .notQualified: return self[.passNotQualified]
        case .notLocalResident: return self[.passNotLocal]
        case .alreadyAsked(_, let status): return self[.passAlreadyAsked] + " (" + requestStatus(status) + ")"
        case .conflict: return self[.passConflict]
        case .betterRankedElsewhere: return self[.passBetterElsewhere]
        case .waiting: return self[.passWaiting]
        case .blackout: return self[.passBlackout]
        }
    }

    /// Why nobody is asked now.
    func hold(_ hold: NeedHold) -> String {
        switch hold {
        case .paused: return self[.holdPaused]
        case .cancelled: return self[.holdCancelled]
        case .filled: return self[.holdFilled]
        case .awaitingAnswers: return self[.holdAwaiting]
        case .allSlotsPending: return self[.holdAllPending]
        case .listExhausted: return self[.holdExhausted]
        }
    }

    func deliveryState(_ state: DeliveryState) -> String {
        switch state {
        case .delivered: return self[.deliveryDelivered]
        case .delayed: return self[.deliveryDelayed]
        case .bounced: return self[.deliveryBounced]
        case .complained: return self[.deliveryComplained]
        case .failed: return self[.deliveryFailed]
        }
    }

    func webhookEvent(_ event: WebhookEventType) -> String {
        switch event {
        case .requestSent: return self[.eventRequestSent]
        case .requestAccepted: return self[.eventRequestAccepted]
        case .requestDeclined: return self[.eventRequestDeclined]
        case .requestTimedOut: return self[.eventRequestTimedOut]
        case .needFilled: return self[.eventNeedFilled]
        case .bookingCancelled: return self[.eventBookingCancelled]
        case .test: return self[.eventTest]
        }
    }
}

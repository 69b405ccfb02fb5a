"""The session controller: the one QObject that the screens of every mode talk to.

It owns a :class:`kiosk.session.Session`, the reader backend and the submission runtime; it runs
card reads and submissions off the GUI thread and reports back only through the signals below
(queued to the GUI thread). Screens never call the library directly, and never keep personal data
after :attr:`wiped` is emitted.

CONTRACT (stable; screens and windows are written against it):

Signals (all emitted on the GUI thread):
    phase_changed(str)              kiosk.session.Phase value
    readers_changed(list)           list[str] reader names currently present
    card_inserted(str)              reader name
    card_removed(str)               reader name
    read_progress(object)           kiosk.session.ReadProgress
    text_ready(object)              kiosk.record.CitizenRecord (text groups read, face not yet)
    face_ready(object)              QtGui.QImage of the holder's photo
    verdict_ready(object)           cardreader.verify.verdict.CardVerdict
    form_changed(object)            kiosk.procedures.filling.FilledForm (after every answer)
    submitted(object)               kiosk.session.SubmitOutcome (stored durably; maybe not sent)
    delivery_updated(object)        kiosk.session.SubmitOutcome (later: the receipt arrived)
    failed(object)                  kiosk.session.FailureInfo
    connectivity_changed(object)    kiosk.outbox.connectivity.ConnectivityStatus
    idle_warning(int)               seconds left before the idle wipe (kiosk mode); 0 = cancelled
    wiped()                         the session was wiped: clear every widget now

Methods (GUI thread):
    start(), close()
    provide_qr_text(text: str)                    wedge scanner / camera / demo QR
    provide_id_and_birth(id_number: str, birth: datetime.date)
    provide_can(can: str)
    retry()                                       after a failure
    procedures() -> list[Procedure]               offered at this site, in display order
    choose_procedure(procedure_id: str)
    set_answer(field_id: str, value: object)      re-fills the form, emits form_changed
    review(), back()
    submit()                                      -> submitted or failed
    check_in()                                    clinic mode (also automatic after a read)
    end_session()                                 wipe, back to IDLE
    user_activity()                               any touch/key: restarts the idle timer
    session  (property)                           the kiosk.session.Session, for tests
"""

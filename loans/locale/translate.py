# ruff: noqa: E501
"""Fill loans/locale/{nl,fr} from the table below: `python loans/locale/translate.py` after makemessages."""

import sys
from pathlib import Path

import polib

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))  # the project root, for backend.i18n
from backend.i18n import fill_catalogue  # noqa: E402

T = {
    "A list of whole numbers of days, e.g. [-3, 0, 3, 7].": (
        "Een lijst van hele aantallen dagen, bv. [-3, 0, 3, 7].",
        "Une liste de nombres entiers de jours, p. ex. [-3, 0, 3, 7].",
    ),
    "Each offset must be within a year of the due date.": (
        "Elke herinnering moet binnen een jaar van de inleverdatum liggen.",
        "Chaque rappel doit tomber dans l'année autour de la date de retour.",
    ),
    "Give the loan period in days.": ("Geef de uitleentermijn in dagen.", "Indiquez la durée du prêt en jours."),
    "Give the length of a renewal in days.": (
        "Geef de duur van een verlenging in dagen.",
        "Indiquez la durée d'une prolongation en jours.",
    ),
    "A policy with this name already exists.": (
        "Er bestaat al een uitleenregeling met deze naam.",
        "Une règle de prêt porte déjà ce nom.",
    ),
    "The end date is before the start date.": (
        "De einddatum ligt voor de begindatum.",
        "La date de fin précède la date de début.",
    ),
    "A course with this name already exists.": (
        "Er bestaat al een cursus met deze naam.",
        "Un cours porte déjà ce nom.",
    ),
    "Device ids: one, or several for a kit.": (
        "Toestel-id's: één, of meerdere voor een kit.",
        "Identifiants d'appareils : un seul, ou plusieurs pour un kit.",
    ),
    "Choose at least one device.": ("Kies minstens één toestel.", "Choisissez au moins un appareil."),
    "The due date is in the past.": ("De inleverdatum ligt in het verleden.", "La date de retour est déjà passée."),
    "Only these items of a kit; all when left out.": (
        "Alleen deze onderdelen van een kit; alles als u niets opgeeft.",
        "Seulement ces éléments d'un kit ; tout si rien n'est indiqué.",
    ),
    "Only a loan given to the participant has a handover document.": (
        "Alleen een lening die aan de deelnemer geschonken is, heeft een overdrachtsdocument.",
        "Seul un prêt donné au participant a un document de remise.",
    ),
    "A number of days": ("Een aantal dagen", "Un nombre de jours"),
    "Until the course ends": ("Tot het einde van de cursus", "Jusqu'à la fin du cours"),
    "Once": ("Eenmalig", "Une fois"),
    "Per week": ("Per week", "Par semaine"),
    "Per month": ("Per maand", "Par mois"),
    "Staff approve each renewal": ("Medewerkers keuren elke verlenging goed", "L'équipe approuve chaque prolongation"),
    "Renews automatically when asked": ("Wordt automatisch verlengd op vraag", "Prolongé automatiquement sur demande"),
    "Active": ("Lopend", "En cours"),
    "Returned": ("Teruggebracht", "Rendu"),
    "Lost or stolen": ("Verloren of gestolen", "Perdu ou volé"),
    "Given to the participant": ("Geschonken aan de deelnemer", "Donné au participant"),
    "Written off": ("Afgeschreven", "Passé en perte"),
    "Good: can be lent again": ("Goed: kan opnieuw uitgeleend worden", "Bon : peut être reprêté"),
    "Damaged: needs a repair": ("Beschadigd: moet hersteld worden", "Endommagé : à réparer"),
    "Waiting": ("Wacht", "En attente"),
    "Device offered": ("Toestel aangeboden", "Appareil proposé"),
    "Device lent": ("Toestel uitgeleend", "Appareil prêté"),
    "Offer expired": ("Aanbod verlopen", "Offre expirée"),
    "Cancelled": ("Geannuleerd", "Annulé"),
    "Rental fee": ("Huurprijs", "Frais de location"),
    "Deposit": ("Waarborg", "Caution"),
    "Cash": ("Contant", "En espèces"),
    "Bank transfer": ("Overschrijving", "Virement"),
    "Rental fee: none": ("Huurprijs: geen", "Frais de location : aucun"),
    "once": ("eenmalig", "une fois"),
    "per week": ("per week", "par semaine"),
    "per month": ("per maand", "par mois"),
    "Rental fee: %(amount)s %(period)s": (
        "Huurprijs: %(amount)s %(period)s",
        "Frais de location : %(amount)s %(period)s",
    ),
    "Loan number: %(number)s": ("Leningnummer: %(number)s", "Numéro du prêt : %(number)s"),
    "Borrower: %(name)s": ("Ontlener: %(name)s", "Emprunteur : %(name)s"),
    "What you receive": ("Wat u krijgt", "Ce que vous recevez"),
    "asset tag %(tag)s": ("inventarisnummer %(tag)s", "numéro d'inventaire %(tag)s"),
    "serial number %(serial)s": ("serienummer %(serial)s", "numéro de série %(serial)s"),
    "Accessories: %(list)s": ("Toebehoren: %(list)s", "Accessoires : %(list)s"),
    "Signature of the borrower": ("Handtekening van de ontlener", "Signature de l'emprunteur"),
    "Signature for the organisation": ("Handtekening voor de organisatie", "Signature pour l'organisation"),
    "Date: ____________________": ("Datum: ____________________", "Date : ____________________"),
    "Your loan card": ("Uw leenkaart", "Votre carte de prêt"),
    "Scan this code with your phone to see what you borrowed, until when, and whom to call.": (
        "Scan deze code met uw telefoon: u ziet wat u leent, tot wanneer, en wie u kunt bellen.",
        "Scannez ce code avec votre téléphone : vous verrez ce que vous avez emprunté, jusqu'à quand, et qui appeler.",
    ),
    "Loan agreement and receipt": ("Uitleenovereenkomst en ontvangstbewijs", "Contrat de prêt et reçu"),
    "Start date: %(date)s": ("Begindatum: %(date)s", "Date de début : %(date)s"),
    "Bring it back by %(date)s (the end of the course %(course)s).": (
        "Breng het terug tegen %(date)s (het einde van de cursus %(course)s).",
        "Rapportez-le au plus tard le %(date)s (la fin du cours %(course)s).",
    ),
    "Bring it back by %(date)s.": ("Breng het terug tegen %(date)s.", "Rapportez-le au plus tard le %(date)s."),
    "Money": ("Geld", "Argent"),
    "Deposit: %(amount)s (given back when you return everything)": (
        "Waarborg: %(amount)s (u krijgt hem terug als u alles terugbrengt)",
        "Caution : %(amount)s (rendue quand vous rapportez tout)",
    ),
    "The rules in plain words": ("De afspraken in gewone woorden", "Les règles en mots simples"),
    "The device belongs to %(organization)s. You may use it at home. Please take good care of it.": (
        "Het toestel is van %(organization)s. U mag het thuis gebruiken. Zorg er goed voor.",
        "L'appareil appartient à %(organization)s. Vous pouvez l'utiliser chez vous. Prenez-en bien soin.",
    ),
    "Bring it back with everything listed above by the date above.": (
        "Breng het terug met alles wat hierboven staat, tegen de datum hierboven.",
        "Rapportez-le avec tout ce qui est indiqué ci-dessus, au plus tard à la date ci-dessus.",
    ),
    "You may ask to keep it longer %(count)s time(s), %(days)s days each time.": (
        "U mag %(count)s keer vragen om het langer te houden, telkens %(days)s dagen.",
        "Vous pouvez demander %(count)s fois à le garder plus longtemps, %(days)s jours à chaque fois.",
    ),
    "Late? There is no fine. We will send you a reminder and call you.": (
        "Te laat? U krijgt geen boete. We sturen u een herinnering en bellen u op.",
        "En retard ? Pas d'amende. Nous vous enverrons un rappel et nous vous appellerons.",
    ),
    "Lost, stolen or broken? Tell us as soon as you can. You will not be blamed for an accident.": (
        "Verloren, gestolen of kapot? Zeg het ons zo snel mogelijk. Een ongeluk wordt u niet verweten.",
        "Perdu, volé ou cassé ? Dites-le-nous dès que possible. On ne vous reprochera pas un accident.",
    ),
    "Before the device goes to someone else, everything on it is erased. Keep copies of your files.": (
        "Voor het toestel naar iemand anders gaat, wordt alles erop gewist. Bewaar een kopie van uw bestanden.",
        "Avant que l'appareil aille à quelqu'un d'autre, tout est effacé. Gardez une copie de vos fichiers.",
    ),
    "Handover document": ("Overdrachtsdocument", "Document de remise"),
    "Date of handover: %(date)s": ("Datum van overdracht: %(date)s", "Date de la remise : %(date)s"),
    "%(organization)s gives the devices below to %(name)s. From today they belong to %(name)s.": (
        "%(organization)s schenkt de toestellen hieronder aan %(name)s. Vanaf vandaag zijn ze van %(name)s.",
        "%(organization)s donne les appareils ci-dessous à %(name)s. À partir d'aujourd'hui, ils appartiennent à %(name)s.",
    ),
    "They are given as they are, free of charge, without a warranty.": (
        "Ze worden gratis gegeven, in de staat waarin ze zijn, zonder garantie.",
        "Ils sont donnés gratuitement, dans l'état où ils sont, sans garantie.",
    ),
    "Overdue (open, due before today in Europe/Brussels)": (
        "Te laat (lopend, inleverdatum voor vandaag in Europe/Brussels)",
        "En retard (en cours, date de retour avant aujourd'hui à Europe/Brussels)",
    ),
    "Open": ("Lopend", "En cours"),
    "Due before": ("In te leveren voor", "À rendre avant"),
    "Due on or after": ("In te leveren op of na", "À rendre le ou après"),
    "Device id": ("Toestel-id", "Identifiant de l'appareil"),
    "organisation": ("organisatie", "organisation"),
    "name": ("naam", "nom"),
    "device kind": ("soort toestel", "type d'appareil"),
    "Blank: any kind.": ("Leeg: elke soort.", "Vide : tout type."),
    "loan period": ("uitleentermijn", "durée du prêt"),
    "loan period (days)": ("uitleentermijn (dagen)", "durée du prêt (jours)"),
    "renewals allowed": ("toegestane verlengingen", "prolongations permises"),
    "renewal length (days)": ("duur van een verlenging (dagen)", "durée d'une prolongation (jours)"),
    "renewal": ("verlenging", "prolongation"),
    "no renewal while someone waits for this kind": (
        "geen verlenging als iemand op deze soort wacht",
        "pas de prolongation si quelqu'un attend ce type",
    ),
    "rental fee (EUR)": ("huurprijs (EUR)", "frais de location (EUR)"),
    "fee period": ("periode van de huurprijs", "période des frais"),
    "deposit (EUR)": ("waarborg (EUR)", "caution (EUR)"),
    "grace days": ("respijtdagen", "jours de grâce"),
    "reminder days": ("herinneringsdagen", "jours de rappel"),
    "Days relative to the due date, e.g. -3, 0, 3, 7.": (
        "Dagen ten opzichte van de inleverdatum, bv. -3, 0, 3, 7.",
        "Jours par rapport à la date de retour, p. ex. -3, 0, 3, 7.",
    ),
    "follow-up after days overdue": ("opvolging na aantal dagen te laat", "suivi après jours de retard"),
    "Then staff get a task to call or visit.": (
        "Dan krijgen medewerkers een taak om te bellen of langs te gaan.",
        "L'équipe reçoit alors une tâche : appeler ou rendre visite.",
    ),
    "signed agreement required": ("ondertekende overeenkomst vereist", "contrat signé requis"),
    "wipe returned devices": ("teruggebrachte toestellen wissen", "effacer les appareils rendus"),
    "active": ("actief", "actif"),
    "created at": ("aangemaakt op", "créé le"),
    "loan policy": ("uitleenregeling", "règle de prêt"),
    "loan policies": ("uitleenregelingen", "règles de prêt"),
    "starts on": ("begint op", "commence le"),
    "ends on": ("eindigt op", "se termine le"),
    "course (cohort)": ("cursus (groep)", "cours (groupe)"),
    "courses (cohorts)": ("cursussen (groepen)", "cours (groupes)"),
    "participant": ("deelnemer", "participant"),
    "policy": ("regeling", "règle"),
    "course": ("cursus", "cours"),
    "status": ("status", "statut"),
    "start date": ("begindatum", "date de début"),
    "due date": ("inleverdatum", "date de retour"),
    "closed at": ("afgesloten op", "clôturé le"),
    "renewals used": ("gebruikte verlengingen", "prolongations utilisées"),
    "loan card token": ("code van de leenkaart", "code de la carte de prêt"),
    "loan card revoked at": ("leenkaart ingetrokken op", "carte de prêt révoquée le"),
    "checked out by": ("uitgeleend door", "prêté par"),
    "checked in by": ("teruggenomen door", "repris par"),
    "note": ("notitie", "note"),
    "agreement signed at": ("overeenkomst ondertekend op", "contrat signé le"),
    "updated at": ("gewijzigd op", "modifié le"),
    "loan": ("lening", "prêt"),
    "loan card reveal": ("inzage leenkaart", "consultation de carte de prêt"),
    "loan card reveals": ("inzages leenkaart", "consultations de cartes de prêt"),
    "shown": ("getoond", "affiché"),
    "printed": ("afgedrukt", "imprimé"),
    "at": ("op", "le"),
    "by": ("door", "par"),
    "purpose": ("doel", "motif"),
    "where": ("waar", "où"),
    "loans": ("leningen", "prêts"),
    "device": ("toestel", "appareil"),
    "accessories": ("toebehoren", "accessoires"),
    "returned or closed at": ("teruggebracht of afgesloten op", "rendu ou clôturé le"),
    "condition on return": ("staat bij terugbrengen", "état au retour"),
    "accessories returned": ("teruggebrachte toebehoren", "accessoires rendus"),
    "loan item": ("geleend onderdeel", "élément prêté"),
    "loan items": ("geleende onderdelen", "éléments prêtés"),
    "offer valid for (days)": ("aanbod geldig (dagen)", "offre valable (jours)"),
    "How long an offered device is kept for this person.": (
        "Hoe lang een aangeboden toestel voor deze persoon bewaard wordt.",
        "Combien de temps un appareil proposé est gardé pour cette personne.",
    ),
    "offered device": ("aangeboden toestel", "appareil proposé"),
    "offered at": ("aangeboden op", "proposé le"),
    "offer expires on": ("aanbod verloopt op", "l'offre expire le"),
    "added by": ("toegevoegd door", "ajouté par"),
    "added at": ("toegevoegd op", "ajouté le"),
    "waiting-list entry": ("inschrijving op de wachtlijst", "inscription sur la liste d'attente"),
    "waiting list": ("wachtlijst", "liste d'attente"),
    "kind": ("soort", "type"),
    "amount (EUR)": ("bedrag (EUR)", "montant (EUR)"),
    "method": ("betaalwijze", "mode de paiement"),
    "received on": ("ontvangen op", "reçu le"),
    "received by": ("ontvangen door", "reçu par"),
    "refunded at": ("terugbetaald op", "remboursé le"),
    "refunded by": ("terugbetaald door", "remboursé par"),
    "payment": ("betaling", "paiement"),
    "payments": ("betalingen", "paiements"),
    "Invalid input: %(fields)s.": ("Ongeldige invoer: %(fields)s.", "Données invalides : %(fields)s."),
    "Not found in this organisation.": ("Niet gevonden in deze organisatie.", "Introuvable dans cette organisation."),
    "This policy lends until a course ends: choose the course.": (
        "Deze regeling leent uit tot het einde van een cursus: kies de cursus.",
        "Cette règle prête jusqu'à la fin d'un cours : choisissez le cours.",
    ),
    "This course has already ended.": ("Deze cursus is al afgelopen.", "Ce cours est déjà terminé."),
    "A device is listed twice.": ("Een toestel staat er twee keer in.", "Un appareil figure deux fois."),
    "This participant is not active.": ("Deze deelnemer is niet actief.", "Ce participant n'est pas actif."),
    "This policy is no longer used.": ("Deze regeling wordt niet meer gebruikt.", "Cette règle n'est plus utilisée."),
    "This policy is not active.": ("Deze regeling is niet actief.", "Cette règle n'est pas active."),
    "This policy is for another kind of device (%(kind)s).": (
        "Deze regeling is voor een andere soort toestel (%(kind)s).",
        "Cette règle concerne un autre type d'appareil (%(kind)s).",
    ),
    "%(tag)s is kept for someone on the waiting list until %(date)s.": (
        "%(tag)s wordt tot %(date)s bewaard voor iemand op de wachtlijst.",
        "%(tag)s est réservé jusqu'au %(date)s pour une personne de la liste d'attente.",
    ),
    "%(tag)s cannot be lent: it is %(status)s.": (
        "%(tag)s kan niet uitgeleend worden: status %(status)s.",
        "%(tag)s ne peut pas être prêté : statut %(status)s.",
    ),
    "This loan is already closed (%(status)s).": (
        "Deze lening is al afgesloten (%(status)s).",
        "Ce prêt est déjà clôturé (%(status)s).",
    ),
    "%(tag)s was already taken back.": ("%(tag)s werd al teruggenomen.", "%(tag)s a déjà été repris."),
    "Some of these devices are not out on this loan.": (
        "Sommige van deze toestellen zijn niet uitgeleend in deze lening.",
        "Certains de ces appareils ne sont pas prêtés dans ce prêt.",
    ),
    "This loan cannot be renewed: it runs until a fixed date.": (
        "Deze lening kan niet verlengd worden: ze loopt tot een vaste datum.",
        "Ce prêt ne peut pas être prolongé : il court jusqu'à une date fixe.",
    ),
    "This loan was already renewed %(count)s times, the most its policy allows.": (
        "Deze lening werd al %(count)s keer verlengd, het maximum van de regeling.",
        "Ce prêt a déjà été prolongé %(count)s fois, le maximum permis par la règle.",
    ),
    "Someone is waiting for this kind of device, so this loan cannot be renewed.": (
        "Iemand wacht op deze soort toestel, dus deze lening kan niet verlengd worden.",
        "Quelqu'un attend ce type d'appareil : ce prêt ne peut pas être prolongé.",
    ),
    "The agreement is already signed.": ("De overeenkomst is al ondertekend.", "Le contrat est déjà signé."),
    "overdue after": ("te laat na", "en retard après"),
    "Overdue (open, due date and grace days passed before today in Europe/Brussels)": (
        "Te laat (open, inleverdatum en respijtdagen voorbij vóór vandaag in Europe/Brussels)",
        "En retard (ouvert, date de retour et jours de grâce passés avant aujourd'hui à Europe/Brussels)",
    ),
    "This policy requires the signed agreement: tick that the participant signed it.": (
        "Deze regeling vraagt de ondertekende overeenkomst: vink aan dat de deelnemer ze ondertekend heeft.",
        "Cette règle de prêt exige la convention signée : cochez que le participant l'a signée.",
    ),
    "%(tag)s (%(device_kind)s) cannot go in this kit. This policy lends: %(kind)s, with only e-ID card readers, 4G modems and accessories as extras.": (
        "%(tag)s (%(device_kind)s) kan niet in deze kit. Deze regeling leent uit: %(kind)s, met als extra enkel eID-kaartlezers, 4G-modems en accessoires.",
        "%(tag)s (%(device_kind)s) ne peut pas faire partie de ce kit. Cette règle prête : %(kind)s, avec pour seuls extras des lecteurs de carte eID, des modems 4G et des accessoires.",
    ),
    "Call or visit %(name)s: loan #%(id)s was due on %(due)s": (
        "Bel of bezoek %(name)s: lening #%(id)s moest terug op %(due)s",
        "Appeler ou rendre visite à %(name)s : le prêt n°%(id)s devait être rendu le %(due)s",
    ),
    "This person is already on the waiting list for this kind of device.": (
        "Deze persoon staat al op de wachtlijst voor deze soort toestel.",
        "Cette personne est déjà sur la liste d'attente pour ce type d'appareil.",
    ),
    "This waiting-list entry is already closed.": (
        "Deze inschrijving op de wachtlijst is al afgesloten.",
        "Cette inscription sur la liste d'attente est déjà clôturée.",
    ),
    "The amount must be more than zero.": (
        "Het bedrag moet groter zijn dan nul.",
        "Le montant doit être supérieur à zéro.",
    ),
    "Unknown kind of payment.": ("Onbekende soort betaling.", "Type de paiement inconnu."),
    "This payment was already refunded.": ("Deze betaling werd al terugbetaald.", "Ce paiement a déjà été remboursé."),
    "loan tally": ("uitleentelling", "décompte de prêts"),
    "loan tallies": ("uitleentellingen", "décomptes de prêts"),
}

# Arabic: the participant's documents only (documents.py), so staff pages never half-switch to Arabic.
AR = {
    "Rental fee: none": "رسوم الإعارة: لا شيء",
    "once": "مرة واحدة",
    "per week": "في الأسبوع",
    "per month": "في الشهر",
    "Rental fee: %(amount)s %(period)s": "رسوم الإعارة: %(amount)s %(period)s",
    "Loan number: %(number)s": "رقم الإعارة: %(number)s",
    "Borrower: %(name)s": "المستعير: %(name)s",
    "What you receive": "ما تستلمه",
    "asset tag %(tag)s": "رقم الجهاز %(tag)s",
    "serial number %(serial)s": "الرقم التسلسلي %(serial)s",
    "Accessories: %(list)s": "الملحقات: %(list)s",
    "Signature of the borrower": "توقيع المستعير",
    "Signature for the organisation": "توقيع الجمعية",
    "Date: ____________________": "التاريخ: ____________________",
    "Your loan card": "بطاقة الإعارة الخاصة بك",
    "Scan this code with your phone to see what you borrowed, until when, and whom to call.": (
        "امسح هذا الرمز بهاتفك لترى ما استعرته، وحتى متى، وبمن تتصل."
    ),
    "Loan agreement and receipt": "اتفاقية الإعارة والإيصال",
    "Start date: %(date)s": "تاريخ البداية: %(date)s",
    "Bring it back by %(date)s (the end of the course %(course)s).": ("أعِده قبل %(date)s (نهاية الدورة %(course)s)."),
    "Bring it back by %(date)s.": "أعِده قبل %(date)s.",
    "Money": "المال",
    "Deposit: %(amount)s (given back when you return everything)": "التأمين: %(amount)s (يُردّ إليك عندما تعيد كل شيء)",
    "The rules in plain words": "القواعد بكلمات بسيطة",
    "The device belongs to %(organization)s. You may use it at home. Please take good care of it.": (
        "الجهاز ملك لـ %(organization)s. يمكنك استعماله في البيت. اعتنِ به جيدًا من فضلك."
    ),
    "Bring it back with everything listed above by the date above.": "أعِده مع كل ما هو مذكور أعلاه قبل التاريخ المذكور أعلاه.",
    "You may ask to keep it longer %(count)s time(s), %(days)s days each time.": (
        "يمكنك أن تطلب الاحتفاظ به مدة أطول، عدد المرات: %(count)s، ولمدة %(days)s يومًا في كل مرة."
    ),
    "Late? There is no fine. We will send you a reminder and call you.": (
        "تأخرت؟ لا توجد غرامة. سنرسل لك تذكيرًا ونتصل بك."
    ),
    "Lost, stolen or broken? Tell us as soon as you can. You will not be blamed for an accident.": (
        "ضاع أو سُرق أو انكسر؟ أخبرنا في أقرب وقت ممكن. لن تُلام على حادث."
    ),
    "Before the device goes to someone else, everything on it is erased. Keep copies of your files.": (
        "قبل أن يذهب الجهاز إلى شخص آخر، يُمسح كل ما عليه. احتفظ بنسخ من ملفاتك."
    ),
    "Handover document": "وثيقة التسليم",
    "Date of handover: %(date)s": "تاريخ التسليم: %(date)s",
    "%(organization)s gives the devices below to %(name)s. From today they belong to %(name)s.": (
        "تعطي %(organization)s الأجهزة المذكورة أدناه إلى %(name)s. ابتداءً من اليوم هي ملك لـ %(name)s."
    ),
    "They are given as they are, free of charge, without a warranty.": "تُعطى كما هي، مجانًا، ومن دون ضمان.",
}


def fill_arabic(path: Path) -> set[str]:
    """Keep only the documents' entries in the Arabic catalogue and translate them."""
    table = {msgid: {"ar": text} for msgid, text in AR.items()}
    return set(fill_catalogue(path, "ar", table, participant_sources=("documents.py",)))


if __name__ == "__main__":
    here = Path(__file__).resolve().parent
    missing = set()
    for index, language in enumerate(("nl", "fr")):
        path = here / language / "LC_MESSAGES" / "django.po"
        catalogue = polib.pofile(str(path))
        for entry in catalogue:
            if entry.msgid in T:
                entry.msgstr = T[entry.msgid][index]
                if "fuzzy" in entry.flags:
                    entry.flags.remove("fuzzy")
            else:
                missing.add(entry.msgid)
        catalogue.metadata_is_fuzzy = False
        catalogue.metadata["Language"] = language
        catalogue.metadata["Plural-Forms"] = (
            "nplurals=2; plural=(n != 1);" if language == "nl" else "nplurals=2; plural=(n > 1);"
        )
        catalogue.metadata["Content-Type"] = "text/plain; charset=UTF-8"
        catalogue.save()
        catalogue.save_as_mofile(str(path.with_suffix(".mo")))
    missing |= fill_arabic(here / "ar" / "LC_MESSAGES" / "django.po")
    print("untranslated:", sorted(missing))

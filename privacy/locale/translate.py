# ruff: noqa: E501
"""Fill privacy/locale/{nl,fr,ar} from the table below: `python privacy/locale/translate.py` after
`makemessages -l nl -l fr -l ar --no-obsolete` (run in privacy/).

Arabic is for the participant's export PDF only (documents.py): the Arabic catalogue keeps just those
entries, so staff pages never half-switch to Arabic.
"""

import sys
from pathlib import Path

import polib

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))  # the project root, for backend.i18n
from backend.i18n import fill_catalogue  # noqa: E402

HERE = Path(__file__).resolve().parent
PARTICIPANT_SOURCES = ("documents.py",)

T: dict = {}


def add(msgid, nl, fr, ar=None):
    T[msgid] = {"nl": nl, "fr": fr, **({"ar": ar} if ar is not None else {})}


# --- the participant's export (PDF): nl, fr, ar ---------------------------------------------------
add("About you", "Over jou", "À propos de vous", "عنك")
add("Your consent to SMS", "Je toestemming voor sms", "Votre accord pour les SMS", "موافقتك على الرسائل القصيرة")
add("Your STOP replies", "Je STOP-antwoorden", "Vos réponses STOP", "ردودك بكلمة STOP")
add("Your loans", "Je leningen", "Vos prêts", "إعاراتك")
add("Your payments", "Je betalingen", "Vos paiements", "مدفوعاتك")
add("Waiting list", "Wachtlijst", "Liste d'attente", "قائمة الانتظار")
add("Your internet codes", "Je internetcodes", "Vos codes internet", "رموز الإنترنت الخاصة بك")
add("Your digicheques", "Je digicheques", "Vos digichèques", "شيكاتك الرقمية")
add(
    "SMS we sent you",
    "Sms'jes die we je stuurden",
    "SMS que nous vous avons envoyés",
    "الرسائل القصيرة التي أرسلناها إليك",
)
add("Follow-up by our staff", "Opvolging door onze medewerkers", "Suivi par notre équipe", "متابعة من فريقنا")
add("Number", "Nummer", "Numéro", "الرقم")
add("Name", "Naam", "Nom", "الاسم")
add("Phone", "Telefoon", "Téléphone", "الهاتف")
add("Language", "Taal", "Langue", "اللغة")
add("Agrees to receive SMS", "Wil sms'jes ontvangen", "Accepte de recevoir des SMS", "يوافق على تلقي الرسائل القصيرة")
add("Reference", "Referentie", "Référence", "المرجع")
add("Note", "Notitie", "Note", "ملاحظة")
add("Age band", "Leeftijdsgroep", "Tranche d'âge", "الفئة العمرية")
add("Gender", "Gender", "Genre", "الجنس")
add("Active", "Actief", "Actif", "نشط")
add("Registered or created on", "Ingeschreven op", "Inscrit le", "تاريخ التسجيل")
add("Last changed on", "Laatst gewijzigd op", "Dernière modification le", "آخر تعديل")
add("Anonymised on", "Geanonimiseerd op", "Anonymisé le", "تاريخ إخفاء الهوية")
add(
    "Kept until (if nothing new happens)",
    "Bewaard tot (als er niets nieuws gebeurt)",
    "Conservé jusqu'au (si rien de nouveau ne se passe)",
    "محفوظ حتى (إذا لم يحدث شيء جديد)",
)
add("Consent given", "Toestemming gegeven", "Accord donné", "الموافقة معطاة")
add("How", "Hoe", "Comment", "الطريقة")
add("Recorded on", "Genoteerd op", "Enregistré le", "تاريخ التسجيل")
add("Recorded by", "Genoteerd door", "Enregistré par", "سجله")
add("Received on", "Ontvangen op", "Reçu le", "تاريخ الاستلام")
add("Text", "Tekst", "Texte", "النص")
add("Status", "Status", "Statut", "الحالة")
add("Rules", "Regels", "Règles", "القواعد")
add("Course", "Cursus", "Cours", "الدورة")
add("Start date", "Begindatum", "Date de début", "تاريخ البدء")
add("Due date", "Inleverdatum", "Date de retour", "تاريخ الإرجاع")
add("Closed on", "Afgesloten op", "Clôturé le", "تاريخ الإغلاق")
add("Renewals", "Verlengingen", "Prolongations", "التمديدات")
add("Fee (EUR)", "Huur (EUR)", "Location (EUR)", "الرسوم (يورو)")
add("Deposit (EUR)", "Waarborg (EUR)", "Caution (EUR)", "التأمين (يورو)")
add("Agreement signed on", "Overeenkomst getekend op", "Convention signée le", "تاريخ توقيع الاتفاقية")
add("Lent by", "Uitgeleend door", "Prêté par", "أعاره")
add("Devices", "Toestellen", "Appareils", "الأجهزة")
add("Device", "Toestel", "Appareil", "الجهاز")
add("Kind", "Soort", "Type", "النوع")
add("Make and model", "Merk en model", "Marque et modèle", "العلامة والطراز")
add("Accessories", "Toebehoren", "Accessoires", "الملحقات")
add("Returned on", "Teruggebracht op", "Rendu le", "تاريخ الإرجاع الفعلي")
add("Condition on return", "Staat bij terugkeer", "État au retour", "الحالة عند الإرجاع")
add("Loan", "Lening", "Prêt", "الإعارة")
add("Amount (EUR)", "Bedrag (EUR)", "Montant (EUR)", "المبلغ (يورو)")
add("Paid by", "Betaald met", "Payé par", "طريقة الدفع")
add("Refunded on", "Terugbetaald op", "Remboursé le", "تاريخ الاسترداد")
add("Device kind", "Soort toestel", "Type d'appareil", "نوع الجهاز")
add("Added on", "Toegevoegd op", "Ajouté le", "تاريخ الإضافة")
add("Programme", "Programma", "Programme", "البرنامج")
add("Pack", "Pakket", "Formule", "الباقة")
add("Code", "Code", "Code", "الرمز")
add("Why you are eligible", "Waarom je er recht op hebt", "Pourquoi vous y avez droit", "سبب استحقاقك")
add("Household", "Gezin", "Ménage", "الأسرة")
add("Given on", "Gegeven op", "Donné le", "تاريخ التسليم")
add("Activated on", "Geactiveerd op", "Activé le", "تاريخ التفعيل")
add("Valid until", "Geldig tot", "Valable jusqu'au", "صالح حتى")
add(
    "Eligibility checked again on",
    "Recht opnieuw nagekeken op",
    "Droit vérifié à nouveau le",
    "تاريخ إعادة التحقق من الاستحقاق",
)
add("Reason for revoking", "Reden van intrekking", "Motif du retrait", "سبب السحب")
add("Modem", "Modem", "Modem", "المودم")
add("Serial number", "Serienummer", "Numéro de série", "الرقم التسلسلي")
add("Supplier", "Leverancier", "Fournisseur", "المورد")
add("Price paid (EUR)", "Betaalde prijs (EUR)", "Prix payé (EUR)", "السعر المدفوع (يورو)")
add("Used on", "Gebruikt op", "Utilisé le", "تاريخ الاستعمال")
add("Used for", "Gebruikt voor", "Utilisé pour", "استُعمل من أجل")
add("Kind of message", "Soort bericht", "Type de message", "نوع الرسالة")
add("Sent to", "Verstuurd naar", "Envoyé à", "أُرسل إلى")
add("Sent on", "Verstuurd op", "Envoyé le", "تاريخ الإرسال")
add("Task", "Taak", "Tâche", "المهمة")
add("Done on", "Gedaan op", "Fait le", "تاريخ الإنجاز")
add("Outcome", "Resultaat", "Résultat", "النتيجة")
add("yes", "ja", "oui", "نعم")
add("no", "nee", "non", "لا")
add(
    "Everything we keep about you",
    "Alles wat we over je bewaren",
    "Tout ce que nous gardons sur vous",
    "كل ما نحتفظ به عنك",
)
add(
    "Made on %(date)s at your request.",
    "Gemaakt op %(date)s op jouw vraag.",
    "Établi le %(date)s à votre demande.",
    "أُعدّ في %(date)s بناءً على طلبك.",
)
add("Nothing.", "Niets.", "Rien.", "لا شيء.")
add(
    "Internet codes are shown in part only; ask us to see a whole code.",
    "Internetcodes staan er maar voor een deel op; vraag ons als je een hele code wilt zien.",
    "Les codes internet ne sont montrés qu'en partie ; demandez-nous pour voir un code en entier.",
    "تظهر رموز الإنترنت جزئيًا فقط؛ اطلب منا رؤية الرمز كاملًا.",
)

# --- staff-facing: nl, fr ----------------------------------------------------------------------------
add(
    "true: consent given; false: consent withdrawn.",
    "true: toestemming gegeven; false: toestemming ingetrokken.",
    "true : accord donné ; false : accord retiré.",
)
add(
    "Only an administrator of the organisation may do this.",
    "Alleen een beheerder van de organisatie mag dit doen.",
    "Seul un administrateur de l'organisation peut faire cela.",
)
add("Privacy", "Privacy", "Vie privée")
add("Retention period over", "Bewaartermijn verstreken", "Durée de conservation écoulée")
add("Erased on the participant's request", "Gewist op vraag van de deelnemer", "Effacé à la demande du participant")
add("In person", "Persoonlijk", "En personne")
add("By phone", "Telefonisch", "Par téléphone")
add("On paper", "Op papier", "Sur papier")
add("Reply by SMS (STOP)", "Antwoord per sms (STOP)", "Réponse par SMS (STOP)")
add("Entered by staff", "Ingevoerd door een medewerker", "Saisi par l'équipe")
add("Data exported (JSON)", "Gegevens geëxporteerd (JSON)", "Données exportées (JSON)")
add("Data exported (PDF)", "Gegevens geëxporteerd (PDF)", "Données exportées (PDF)")
add("Erased on request", "Gewist op verzoek", "Effacé sur demande")
add(
    "Anonymised after the retention period",
    "Geanonimiseerd na de bewaartermijn",
    "Anonymisé après la durée de conservation",
)
add("Retention period changed", "Bewaartermijn gewijzigd", "Durée de conservation modifiée")
add("organisation", "organisatie", "organisation")
add(
    "keep personal data for (months)",
    "persoonsgegevens bewaren gedurende (maanden)",
    "conserver les données personnelles pendant (mois)",
)
add(
    "Counted from the day the participant's last loan, code or digicheque closed.",
    "Geteld vanaf de dag waarop de laatste lening, code of digicheque van de deelnemer afgesloten werd.",
    "Compté à partir du jour où le dernier prêt, code ou digichèque du participant a été clôturé.",
)
add("updated at", "bijgewerkt op", "mis à jour le")
add("retention rule", "bewaarregel", "règle de conservation")
add("retention rules", "bewaarregels", "règles de conservation")
add("participant", "deelnemer", "participant")
add("rule", "regel", "règle")
add("retention period (months)", "bewaartermijn (maanden)", "durée de conservation (mois)")
add(
    "last loan, code or cheque closed at",
    "laatste lening, code of cheque afgesloten op",
    "dernier prêt, code ou chèque clôturé le",
)
add("by", "door", "par")
add("anonymised at", "geanonimiseerd op", "anonymisé le")
add("anonymisation", "anonimisering", "anonymisation")
add("anonymisations", "anonimiseringen", "anonymisations")
add("consent given", "toestemming gegeven", "accord donné")
add("Off: consent withdrawn.", "Uit: toestemming ingetrokken.", "Décoché : accord retiré.")
add("how", "hoe", "comment")
add("recorded by", "genoteerd door", "enregistré par")
add("recorded at", "genoteerd op", "enregistré le")
add("SMS consent record", "sms-toestemming", "accord SMS")
add("SMS consent records", "sms-toestemmingen", "accords SMS")
add("participant number", "deelnemersnummer", "numéro du participant")
add("action", "handeling", "action")
add("at", "op", "le")
add("detail", "detail", "détail")
add(
    "Field names and counts, no values.",
    "Veldnamen en aantallen, geen waarden.",
    "Noms des champs et nombres, aucune valeur.",
)
add("privacy log entry", "privacylogregel", "entrée du journal de vie privée")
add("privacy log", "privacylog", "journal de vie privée")
add(
    "staff, volunteers and administrators of the organisation",
    "medewerkers, vrijwilligers en beheerders van de organisatie",
    "l'équipe, les bénévoles et les administrateurs de l'organisation",
)
add(
    "staff and administrators of the organisation (not volunteers)",
    "medewerkers en beheerders van de organisatie (geen vrijwilligers)",
    "l'équipe et les administrateurs de l'organisation (pas les bénévoles)",
)
add("administrators of the organisation", "beheerders van de organisatie", "les administrateurs de l'organisation")
add(
    "until the retention period is over (default 24 months after the last loan, code or cheque closed)",
    "tot de bewaartermijn voorbij is (standaard 24 maanden na de afsluiting van de laatste lening, code of cheque)",
    "jusqu'à la fin de la durée de conservation (par défaut 24 mois après la clôture du dernier prêt, code ou chèque)",
)
add(
    "kept without the person's name, for the figures",
    "bewaard zonder de naam van de persoon, voor de cijfers",
    "conservé sans le nom de la personne, pour les chiffres",
)
add("name", "naam", "nom")
add(
    "to recognise the person at the desk",
    "om de persoon aan de balie te herkennen",
    "pour reconnaître la personne à l'accueil",
)
add("mobile phone", "gsm-nummer", "numéro de GSM")
add(
    "SMS reminders and codes, only with consent; to call about a late device",
    "sms-herinneringen en codes, alleen met toestemming; om te bellen over een laat toestel",
    "rappels et codes par SMS, seulement avec accord ; pour appeler au sujet d'un appareil en retard",
)
add("language", "taal", "langue")
add(
    "to write to the person in their language",
    "om de persoon in de eigen taal te schrijven",
    "pour écrire à la personne dans sa langue",
)
add("SMS consent and its history", "sms-toestemming en de geschiedenis ervan", "accord SMS et son historique")
add(
    "proof that the person agreed to SMS, or withdrew",
    "bewijs dat de persoon akkoord ging met sms'jes, of dat introk",
    "preuve que la personne a accepté les SMS, ou a retiré son accord",
)
add("reference", "referentie", "référence")
add(
    "the organisation's own file number",
    "het eigen dossiernummer van de organisatie",
    "le numéro de dossier propre à l'organisation",
)
add("note", "notitie", "note")
add(
    "practical notes for the desk (no health or legal status)",
    "praktische notities voor de balie (geen gezondheid of verblijfsstatus)",
    "notes pratiques pour l'accueil (ni santé ni statut de séjour)",
)
add("age band", "leeftijdsgroep", "tranche d'âge")
add(
    "funders' figures (people reached by age)",
    "cijfers voor financiers (bereikte mensen per leeftijd)",
    "chiffres pour les bailleurs (personnes touchées par âge)",
)
add("gender", "gender", "genre")
add(
    "funders' figures (share of women)",
    "cijfers voor financiers (aandeel vrouwen)",
    "chiffres pour les bailleurs (part de femmes)",
)
add("dates and status", "data en status", "dates et statut")
add(
    "to know when the retention period ends; funders' figures",
    "om te weten wanneer de bewaartermijn afloopt; cijfers voor financiers",
    "pour savoir quand la durée de conservation se termine ; chiffres pour les bailleurs",
)
add(
    "loans, devices, payments and loan notes",
    "leningen, toestellen, betalingen en notities bij leningen",
    "prêts, appareils, paiements et notes des prêts",
)
add(
    "to lend and take back devices; accounts; funders' figures",
    "om toestellen uit te lenen en terug te nemen; boekhouding; cijfers voor financiers",
    "pour prêter et reprendre les appareils ; comptabilité ; chiffres pour les bailleurs",
)
add(
    "notes: until the retention period is over; dates and devices: kept without the person's name",
    "notities: tot de bewaartermijn voorbij is; data en toestellen: bewaard zonder de naam van de persoon",
    "notes : jusqu'à la fin de la durée de conservation ; dates et appareils : conservés sans le nom de la personne",
)
add("loan card link (random)", "link van de leenkaart (willekeurig)", "lien de la carte de prêt (aléatoire)")
add(
    "so the person can check their loan without an account",
    "zodat de persoon de lening kan bekijken zonder account",
    "pour que la personne puisse consulter son prêt sans compte",
)
add(
    "anyone holding the card; it carries no name",
    "wie de kaart heeft; er staat geen naam in",
    "quiconque a la carte ; elle ne porte aucun nom",
)
add(
    "until the loan card is revoked; revoked at anonymisation",
    "tot de leenkaart ingetrokken wordt; ingetrokken bij anonimisering",
    "jusqu'au retrait de la carte de prêt ; retirée lors de l'anonymisation",
)
add(
    "internet code, household key and basis of eligibility",
    "internetcode, gezinssleutel en grond van het recht",
    "code internet, clé du ménage et base du droit",
)
add(
    "one code per household, as the programme requires",
    "één code per gezin, zoals het programma vereist",
    "un code par ménage, comme le programme l'exige",
)
add(
    "code in clear: staff and administrators, each time logged; the rest: members",
    "code voluit: medewerkers en beheerders, telkens gelogd; de rest: leden",
    "code en clair : l'équipe et les administrateurs, chaque fois journalisé ; le reste : les membres",
)
add("digicheques given", "gegeven digicheques", "digichèques donnés")
add(
    "to hand out and account for cheques",
    "om cheques uit te delen en te verantwoorden",
    "pour distribuer les chèques et en rendre compte",
)
add(
    "purpose: until the retention period is over; the rest: kept without the person's name",
    "doel: tot de bewaartermijn voorbij is; de rest: bewaard zonder de naam van de persoon",
    "usage : jusqu'à la fin de la durée de conservation ; le reste : conservé sans le nom de la personne",
)
add("SMS sent (number and text)", "verstuurde sms'jes (nummer en tekst)", "SMS envoyés (numéro et texte)")
add(
    "to know what was sent and whether it arrived",
    "om te weten wat verstuurd werd en of het aankwam",
    "pour savoir ce qui a été envoyé et si c'est arrivé",
)
add(
    "number and text: until the retention period is over; date and kind: kept for the monthly count",
    "nummer en tekst: tot de bewaartermijn voorbij is; datum en soort: bewaard voor de maandelijkse telling",
    "numéro et texte : jusqu'à la fin de la durée de conservation ; date et type : conservés pour le décompte mensuel",
)
add("STOP replies", "STOP-antwoorden", "réponses STOP")
add(
    "never to send SMS again after STOP",
    "om na STOP nooit meer sms'jes te sturen",
    "pour ne plus jamais envoyer de SMS après STOP",
)
add("the words of a STOP reply", "de woorden van een STOP-antwoord", "les mots d'une réponse STOP")
add(
    "what the person asked, kept when the STOP answered this organisation only",
    "wat de persoon vroeg, bewaard als de STOP alleen deze organisatie beantwoordde",
    "ce que la personne a demandé, gardé quand le STOP répondait à cette seule organisation",
)
add(
    "numbers that replied STOP (for the whole installation)",
    "nummers die STOP antwoordden (voor de hele installatie)",
    "numéros ayant répondu STOP (pour toute l'installation)",
)
add(
    "no SMS to the number from any organisation until it opts in again",
    "geen sms naar het nummer van welke organisatie ook, tot het opnieuw toestemming geeft",
    "aucun SMS vers ce numéro, d'aucune organisation, tant qu'il ne s'est pas réinscrit",
)
add(
    "no organisation (the installation only)",
    "geen enkele organisatie (alleen de installatie)",
    "aucune organisation (l'installation seule)",
)
add(
    "until the number opts in again",
    "tot het nummer opnieuw toestemming geeft",
    "jusqu'à ce que le numéro se réinscrive",
)
add("follow-up tasks", "opvolgtaken", "tâches de suivi")
add(
    "to call or visit about a late device, re-check eligibility",
    "om te bellen of langs te gaan over een laat toestel, het recht opnieuw na te kijken",
    "pour appeler ou passer au sujet d'un appareil en retard, revérifier le droit",
)
add(
    "change history of all the above",
    "wijzigingsgeschiedenis van al het bovenstaande",
    "historique des modifications de tout ce qui précède",
)
add("who changed what and when", "wie wat wanneer wijzigde", "qui a modifié quoi et quand")
add(
    "anonymised together with the person",
    "samen met de persoon geanonimiseerd",
    "anonymisé en même temps que la personne",
)
add("exports and erasures", "exports en wissingen", "exports et effacements")
add(
    "to show that requests were answered",
    "om te tonen dat verzoeken beantwoord werden",
    "pour montrer que les demandes ont reçu une réponse",
)
add(
    "kept; holds no personal values",
    "bewaard; bevat geen persoonlijke waarden",
    "conservé ; ne contient aucune valeur personnelle",
)
add(
    "each organisation, for its own participants",
    "elke organisatie, voor haar eigen deelnemers",
    "chaque organisation, pour ses propres participants",
)
add(
    "legitimate interest in lending and following up devices; consent for SMS, which can be withdrawn",
    "gerechtvaardigd belang bij het uitlenen en opvolgen van toestellen; toestemming voor sms'jes, die ingetrokken kan worden",
    "intérêt légitime à prêter les appareils et à en assurer le suivi ; accord pour les SMS, qui peut être retiré",
)
add(
    "no national register number, no residence status, no health data",
    "geen rijksregisternummer, geen verblijfsstatus, geen gezondheidsgegevens",
    "pas de numéro de registre national, pas de statut de séjour, pas de données de santé",
)
add(
    "export (JSON, PDF) and erasure on request, by an administrator; SMS consent withdrawn by STOP",
    "export (JSON, PDF) en wissing op verzoek, door een beheerder; sms-toestemming ingetrokken met STOP",
    "export (JSON, PDF) et effacement sur demande, par un administrateur ; accord SMS retiré par STOP",
)
add(
    "This person still has an open loan: close the loan first, then erase their data.",
    "Deze persoon heeft nog een lopende lening: sluit eerst de lening af en wis dan de gegevens.",
    "Cette personne a encore un prêt en cours : clôturez d'abord le prêt, puis effacez ses données.",
)
add(
    "This person still holds an internet code: revoke or expire it first, then erase their data.",
    "Deze persoon heeft nog een internetcode: trek die eerst in of laat hem vervallen, en wis dan de gegevens.",
    "Cette personne détient encore un code internet : révoquez-le ou faites-le expirer d'abord, puis effacez ses données.",
)
add(
    "This person still holds an unused digicheque: void it first, then erase their data.",
    "Deze persoon heeft nog een ongebruikte digicheque: annuleer die eerst en wis dan de gegevens.",
    "Cette personne détient encore un digichèque non utilisé : annulez-le d'abord, puis effacez ses données.",
)
add(
    "This person is on the waiting list: cancel their place first, then erase their data.",
    "Deze persoon staat op de wachtlijst: annuleer eerst de inschrijving en wis dan de gegevens.",
    "Cette personne est sur la liste d'attente : annulez d'abord son inscription, puis effacez ses données.",
)
add(
    "A device lent to this person has not come back yet: check it in first, then erase their data.",
    "Een toestel dat aan deze persoon uitgeleend werd, is nog niet terug: neem het eerst in en wis dan de gegevens.",
    "Un appareil prêté à cette personne n'est pas encore revenu : enregistrez d'abord son retour, puis effacez ses données.",
)
add(
    "This person's data has already been erased.",
    "De gegevens van deze persoon zijn al gewist.",
    "Les données de cette personne ont déjà été effacées.",
)
add(
    "This person's data has been erased.",
    "De gegevens van deze persoon zijn gewist.",
    "Les données de cette personne ont été effacées.",
)
add(
    "Add a mobile phone number before recording consent to SMS.",
    "Voeg eerst een gsm-nummer toe voor je toestemming voor sms'jes noteert.",
    "Ajoutez un numéro de GSM avant d'enregistrer l'accord pour les SMS.",
)
add(
    "This person has no phone number.",
    "Deze persoon heeft geen telefoonnummer.",
    "Cette personne n'a pas de numéro de téléphone.",
)
add("Choose between 1 and 120 months.", "Kies tussen 1 en 120 maanden.", "Choisissez entre 1 et 120 mois.")
add("Personal data we keep", "Persoonsgegevens die we bewaren", "Données personnelles que nous conservons")
add(
    "The record of processing: each piece of personal data about participants, why it is kept, who can see it and how long.",
    "Het register van verwerkingen: elk persoonsgegeven over deelnemers, waarom we het bewaren, wie het kan zien en hoelang.",
    "Le registre des traitements : chaque donnée personnelle sur les participants, pourquoi elle est conservée, qui peut la voir et combien de temps.",
)
add("Who is responsible:", "Verantwoordelijke:", "Responsable :")
add("Basis:", "Grondslag:", "Base :")
add(
    "%(name)s keeps personal data for %(months)s months after a participant's last loan, code or digicheque closed; then it is anonymised automatically.",
    "%(name)s bewaart persoonsgegevens %(months)s maanden na de afsluiting van de laatste lening, code of digicheque van een deelnemer; daarna worden ze automatisch geanonimiseerd.",
    "%(name)s conserve les données personnelles %(months)s mois après la clôture du dernier prêt, code ou digichèque d'un participant ; ensuite elles sont anonymisées automatiquement.",
)
add("Data", "Gegeven", "Donnée")
add("Why", "Waarom", "Pourquoi")
add("Who can see it", "Wie kan het zien", "Qui peut la voir")
add("How long", "Hoelang", "Combien de temps")
add("Not kept:", "Niet bewaard:", "Non conservé :")
add("Requests:", "Verzoeken:", "Demandes :")


# The export PDF prints the labels of other apps' choices (documents.CHOICES: statuses, age bands, payment
# methods...). Those apps have no Arabic catalogue, so their labels' Arabic lives here, as entries of this
# catalogue used by documents.py. A test checks that every label the export prints has one.
ARABIC_CHOICE_LABELS = {
    "Under 18": "أقل من 18 سنة",
    "18 to 29": "من 18 إلى 29 سنة",
    "30 to 44": "من 30 إلى 44 سنة",
    "45 to 64": "من 45 إلى 64 سنة",
    "65 and over": "65 سنة فأكثر",
    "Woman": "امرأة",
    "Man": "رجل",
    "Other / non-binary": "آخر / غير ثنائي",
    "Prefers not to say": "يفضّل عدم الإجابة",
    "In person": "شخصيًا",
    "By phone": "عبر الهاتف",
    "On paper": "على الورق",
    "Reply by SMS (STOP)": "ردّ برسالة قصيرة (STOP)",
    "Entered by staff": "أدخله الموظفون",
    "Told staff": "أخبر الموظفين",
    "Returned": "أُعيد",
    "Lost or stolen": "مفقود أو مسروق",
    "Given to the participant": "أُعطي لك",
    "Written off": "مشطوب",
    "Good: can be lent again": "جيد: يمكن إعارته مرة أخرى",
    "Damaged: needs a repair": "تالف: يحتاج إلى إصلاح",
    "Rental fee": "رسوم الإيجار",
    "Deposit": "مبلغ التأمين",
    "Cash": "نقدًا",
    "Bank transfer": "تحويل بنكي",
    "Waiting": "في الانتظار",
    "Device offered": "عُرض عليك جهاز",
    "Device lent": "أُعير لك جهاز",
    "Offer expired": "انتهت مدة العرض",
    "Cancelled": "أُلغي",
    "Available": "متاح",
    "Assigned": "أُعطي لك",
    "Activated": "مُفعّل",
    "Expired": "منتهي الصلاحية",
    "Revoked": "مسحوب",
    "Course participant": "مشارك في دورة",
    "CPAS/OCMW client": "مستفيد من CPAS/OCMW",
    "Increased reimbursement status (BIM/VT)": "وضع التعويض المرتفع (BIM/VT)",
    "Social tariff category": "فئة التعرفة الاجتماعية",
    "Other": "أخرى",
    "In stock": "في المخزون",
    "Issued": "مُسلَّم",
    "Redeemed": "مُستعمل",
    "Void": "ملغى",
    "Queued": "في انتظار الإرسال",
    "Sending": "قيد الإرسال",
    "Sent": "أُرسلت",
    "Delivered": "وصلت",
    "Failed": "فشل الإرسال",
    "Not sent": "لم تُرسل",
    "Outcome unknown (check with the participant)": "النتيجة غير معروفة (نتحقق معك)",
    "Follow up an overdue loan (call or visit)": "متابعة إعارة متأخرة (اتصال أو زيارة)",
    "Re-check eligibility for an internet code": "إعادة التحقق من أهليتك لرمز الإنترنت",
    "Check whether an SMS went out": "التحقق من إرسال رسالة قصيرة",
}


def _with_choice_labels(path: Path) -> None:
    """Adds the ARABIC_CHOICE_LABELS entries the Arabic catalogue lacks, as used by documents.py."""
    catalogue = polib.pofile(str(path))
    known = {entry.msgid for entry in catalogue if not entry.msgctxt}
    for msgid in ARABIC_CHOICE_LABELS.keys() - known:
        catalogue.append(polib.POEntry(msgid=msgid, msgstr="", occurrences=[("documents.py", "CHOICES")]))
    catalogue.save(str(path))


for _msgid, _arabic in ARABIC_CHOICE_LABELS.items():
    T.setdefault(_msgid, {})["ar"] = _arabic


def fill(language: str) -> list[str]:
    path = HERE / language / "LC_MESSAGES" / "django.po"
    if language == "ar":
        _with_choice_labels(path)
    return fill_catalogue(path, language, T, participant_sources=PARTICIPANT_SOURCES)


if __name__ == "__main__":
    problems = {language: fill(language) for language in ("nl", "fr", "ar")}
    for language, missing in problems.items():
        for msgid in missing:
            print(f"{language}: no translation for {msgid!r}")
    sys.exit(1 if any(problems.values()) else 0)

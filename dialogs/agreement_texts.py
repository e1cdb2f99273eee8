"""Every text of the third contract (agreements, follow-ups, the document), in Dutch and English."""

from __future__ import annotations

from dialogs.catalog import Catalog

_TEXTS: dict[str, tuple[str, str]] = {
    # key: (nl, en). Placeholders use str.format names.
    "title": ("Afspraak #{id}: {category}", "Agreement #{id}: {category}"),
    "i_deal": ("i-deal", "i-deal"),
    "no_date": ("geen datum", "no date"),
    "yes": ("Ja", "Yes"),
    "no": ("Nee", "No"),
    "role.employee": ("medewerker", "employee"),
    "role.manager": ("leidinggevende", "manager"),
    "role.agency": ("uitzendbureau", "agency"),
    "category.performance_requirements": ("Prestatie-eisen", "Performance requirements"),
    "category.pay": ("Beloning", "Pay"),
    "category.working_hours": ("Werktijden", "Working hours"),
    "category.place_of_work": ("Werkplek (hybride werken)", "Place of work (hybrid)"),
    "category.development": ("Opleiding en ontwikkeling", "Training and development"),
    "category.employability": ("Duurzame inzetbaarheid", "Employability"),
    "category.other": ("Overig", "Other"),
    "status.draft": ("concept", "draft"),
    "status.proposed": ("voorgesteld", "proposed"),
    "status.signed": ("ondertekend", "signed"),
    "status.at_risk": ("vraagt aandacht", "at risk"),
    "status.completed": ("afgerond", "completed"),
    "status.dropped": ("vervallen", "dropped"),
    "cadence.monthly": ("maandelijks", "monthly"),
    "cadence.quarterly": ("elk kwartaal", "quarterly"),
    "cadence.none": ("geen", "none"),
    "answer.on_track": ("Loopt zoals afgesproken", "On track"),
    "answer.partly": ("Deels", "Partly"),
    "answer.not": ("Niet nagekomen", "Not kept"),
    "answer.no_longer_relevant": ("Niet meer van toepassing", "No longer relevant"),
    "answer.none": ("(nog geen antwoord)", "(no answer yet)"),
    "action.propose": ("Voorstellen", "Propose"),
    "action.accept": ("Akkoord", "Accept"),
    "action.comment": ("Reageren", "Comment"),
    "action.amend": ("Aangepaste versie", "Propose a change"),
    "action.sign": ("Ondertekenen", "Sign"),
    "action.renegotiate": ("Opnieuw bespreken", "Renegotiate"),
    "action.close": ("Afronden", "Close"),
    "action.drop": ("Laten vervallen", "Drop"),
    "action.cancel": ("Annuleren", "Cancel"),
    "action.add_comment": ("Toelichting toevoegen", "Add a comment"),
    "what_now": ("Wat wil je doen?", "What would you like to do?"),
    "choice_hint": (
        "Antwoord met een nummer van 1 tot {count}, of met de naam van je keuze.",
        "Answer with a number from 1 to {count}, or with the name of your choice.",
    ),
    "cancel_hint": ("Typ 'annuleren' om te stoppen.", "Type 'cancel' to stop."),
    "erased_party": ("(gegevens gewist)", "(data erased)"),
    "stale_closed": (
        "Die vraag is niet meer open.",
        "That question is no longer open.",
    ),
    "stale": (
        "Die vraag is niet meer open; hier is waar je was.",
        "That question is no longer open; here is where you were.",
    ),
    # -- showing an agreement
    "show.with": ("Met: {name} ({role})", "With: {name} ({role})"),
    "show.agency": (
        "Ook met: uitzendbureau {agency} (partij bij de afspraken over loon en contract; "
        "tekent per e-mail)",
        "Also with: the agency {agency} (party to the terms on pay and the contract; signs by "
        "e-mail)",
    ),
    "show.agency_hidden": (
        "De afspraken met uitzendbureau {agency} (loon, contract) zijn tussen de medewerker en "
        "het bureau; je ziet hier alleen de jouwe.",
        "The terms with the agency {agency} (pay, the contract) are between the employee and "
        "the agency; you see only yours here.",
    ),
    "show.category": ("Onderwerp: {category}", "Topic: {category}"),
    "show.status": ("Status: {status}", "Status: {status}"),
    "show.version": (
        "Versie {number}, geschreven door {author} op {day}:",
        "Version {number}, written by {author} on {day}:",
    ),
    "show.i_deal": (
        "Dit is een i-deal, een afspraak op maat. Waarom: {rationale}",
        "This is an i-deal, a tailored arrangement. Why: {rationale}",
    ),
    "show.review": (
        "Evaluatie: {day}. Opvolging: {cadence}.",
        "Review: {day}. Follow-up: {cadence}.",
    ),
    "show.signed": (
        "Ondertekend door {name} (versie {version}) op {day}",
        "Signed by {name} (version {version}) on {day}",
    ),
    "show.in_force": (
        "Tot er een nieuwe versie is ondertekend, geldt versie {version}.",
        "Until a new version is signed, version {version} stays in force.",
    ),
    "show.comment": ("Reactie van {name}: {text}", "Comment from {name}: {text}"),
    "show.follow_up": ("Laatste opvolging, {role}: {answer}", "Latest follow-up, {role}: {answer}"),
    "show.reason": ("Reden: {reason}", "Reason: {reason}"),
    # -- lists
    "list.title": ("Jouw afspraken", "Your agreements"),
    "list.mine": ("Mijn afspraken:", "My agreements:"),
    "list.team": ("Afspraken met mijn team:", "Agreements with my team:"),
    "list.line": (
        "#{id} {category} ({status}, met {name}): {text}",
        "#{id} {category} ({status}, with {name}): {text}",
    ),
    "list.empty": (
        "Je hebt nog geen afspraken. Typ 'afspraak nieuw' om er een op te stellen.",
        "You have no agreements yet. Type 'agreement new' to draft one.",
    ),
    "list.hint": (
        "Typ 'afspraak toon NUMMER' om een afspraak te bekijken.",
        "Type 'agreement show NUMBER' to see an agreement.",
    ),
    "usage": (
        "Gebruik: 'afspraken' (overzicht), 'afspraak nieuw' (nieuwe afspraak opstellen) of "
        "'afspraak toon NUMMER'.",
        "Use: 'agreements' (overview), 'agreement new' (draft a new agreement) or "
        "'agreement show NUMBER'.",
    ),
    "not_found": (
        "Die afspraak kan ik niet vinden.",
        "I can't find that agreement.",
    ),
    # -- refusals
    "refused.category": ("Kies een van de onderwerpen.", "Choose one of the topics."),
    "refused.cadence": ("Kies een van de opvolgritmes.", "Choose one of the follow-up rhythms."),
    "refused.empty_text": (
        "De afspraak heeft nog geen tekst. Schrijf op wat jullie afspreken.",
        "The agreement has no text yet. Write down what you agree.",
    ),
    "refused.rationale": (
        "Een i-deal heeft een reden nodig (minstens {min} tekens): waarom is deze afspraak "
        "anders dan gebruikelijk? Zo begrijpen collega's dat het eerlijk is.",
        "An i-deal needs a reason (at least {min} characters): why is this arrangement "
        "different from the usual one? That is how colleagues see it is fair.",
    ),
    "refused.not_now": (
        "Dat kan nu niet bij afspraak #{id} (status: {status}).",
        "That is not possible for agreement #{id} now (status: {status}).",
    ),
    "refused.outdated": (
        "Versie {version} van afspraak #{id} is verouderd: de huidige versie is {current}. "
        "Je kunt alleen de huidige versie ondertekenen of erop reageren; lees die hieronder.",
        "Version {version} of agreement #{id} is outdated: the current version is {current}. "
        "You can only sign or respond to the current version; read it below.",
    ),
    "refused.already_signed": (
        "Je hebt versie {version} al ondertekend. We wachten op {name}.",
        "You already signed version {version}. We are waiting for {name}.",
    ),
    "refused.own_version": (
        "Deze versie heb je zelf geschreven; {name} beslist of die akkoord is.",
        "You wrote this version yourself; {name} decides whether to accept it.",
    ),
    "refused.no_reason": (
        "Geef een korte reden, zodat jullie later weten waarom.",
        "Give a short reason, so you both know later why.",
    ),
    "refused.not_hr": (
        "Het register van afspraken is alleen voor HR.",
        "The register of agreements is for HR only.",
    ),
    # -- what the actor hears back
    "done.proposed": (
        "Afspraak #{id} is voorgesteld aan {name}. Jullie horen van mij als er gereageerd is.",
        "Agreement #{id} has been proposed to {name}. I'll let you know when they respond.",
    ),
    "done.saved": (
        "Afspraak #{id} is bewaard als concept; alleen jij ziet die. "
        "Typ 'agreement show {id}' om het concept voor te stellen.",
        "Agreement #{id} is saved as a draft that only you can see. "
        "Type 'agreement show {id}' to propose it.",
    ),
    "done.accepted": (
        "Je bent akkoord met versie {version}. Onderteken die om er een deel van je derde "
        "contract van te maken; {name} wordt hetzelfde gevraagd.",
        "You accepted version {version}. Sign it to make it part of your third contract; "
        "{name} is asked the same.",
    ),
    "done.signed_waiting": (
        "Je hebt versie {version} ondertekend. Zodra {name} ook tekent, geldt de afspraak.",
        "You signed version {version}. As soon as {name} signs too, the agreement applies.",
    ),
    "done.signed_both": (
        "Versie {version} is door jullie allebei ondertekend: het hoort nu bij je derde contract.",
        "Version {version} is signed by you both: it is now part of your third contract.",
    ),
    "done.commented": (
        "Je reactie is bewaard en naar {name} gestuurd.",
        "Your comment is saved and sent to {name}.",
    ),
    "done.amended": (
        "Versie {version} is voorgesteld aan {name}. Eerdere versies blijven bewaard.",
        "Version {version} has been proposed to {name}. Earlier versions are kept.",
    ),
    "done.amended_draft": (
        "Het concept is bijgewerkt naar versie {version}.",
        "The draft is updated to version {version}.",
    ),
    "done.completed": (
        "Afspraak #{id} is afgerond. {name} krijgt bericht.",
        "Agreement #{id} is completed. {name} has been told.",
    ),
    "done.dropped": (
        "Afspraak #{id} is vervallen. {name} krijgt bericht als die er al van wist.",
        "Agreement #{id} is dropped. {name} is told if they knew about it.",
    ),
    "done.cancelled": ("Niets veranderd.", "Nothing changed."),
    # -- what the other party hears
    "notice.proposed": (
        "{name} stelt een afspraak voor. Lees die rustig: je kunt akkoord gaan, reageren of "
        "een aangepaste versie voorstellen.",
        "{name} proposes an agreement. Take your time: you can accept, comment or propose "
        "a changed version.",
    ),
    "notice.amended": (
        "{name} stelt versie {version} voor.",
        "{name} proposes version {version}.",
    ),
    "notice.renegotiate": (
        "{name} wil deze afspraak opnieuw bespreken en stelt versie {version} voor. Tot jullie "
        "allebei tekenen, blijft de ondertekende versie gelden.",
        "{name} wants to renegotiate this agreement and proposes version {version}. Until you "
        "both sign, the signed version stays in force.",
    ),
    "notice.accepted": (
        "{name} is akkoord met versie {version}. Onderteken die om de afspraak rond te maken.",
        "{name} accepted version {version}. Sign it to complete the agreement.",
    ),
    "notice.signed_one": (
        "{name} heeft versie {version} ondertekend; jouw handtekening ontbreekt nog.",
        "{name} signed version {version}; your signature is still missing.",
    ),
    "notice.signed_both": (
        "{name} heeft ook getekend: versie {version} hoort nu bij het derde contract.",
        "{name} signed too: version {version} is now part of the third contract.",
    ),
    "notice.signed_one_agency": (
        "{name} heeft versie {version} ook ondertekend; nu ontbreekt alleen de handtekening van "
        "het uitzendbureau nog (per e-mail gevraagd).",
        "{name} signed version {version} too; only the agency's signature is missing now "
        "(asked for by e-mail).",
    ),
    "notice.agency_signed": (
        "Uitzendbureau {agency} heeft versie {version} ondertekend.",
        "The agency {agency} signed version {version}.",
    ),
    "notice.agency_signed_last": (
        "Uitzendbureau {agency} heeft versie {version} als laatste ondertekend: de afspraak "
        "geldt nu.",
        "The agency {agency} signed version {version} last: the agreement applies now.",
    ),
    "notice.agency_follow_up": (
        "Uitzendbureau {agency} beantwoordde de opvolging van de afspraken met het bureau: "
        "{answer}.",
        "The agency {agency} answered the follow-up of the terms with the agency: {answer}.",
    ),
    "notice.commented": (
        "{name} reageerde op versie {version}: {text}",
        "{name} commented on version {version}: {text}",
    ),
    "notice.completed": (
        "{name} heeft afspraak #{id} afgerond. Reden: {reason}",
        "{name} closed agreement #{id} as completed. Reason: {reason}",
    ),
    "notice.dropped": (
        "{name} heeft afspraak #{id} laten vervallen. Reden: {reason}",
        "{name} dropped agreement #{id}. Reason: {reason}",
    ),
    # -- asking for typed text
    "ask.comment": (
        "Typ je reactie op versie {version} van afspraak #{id}.",
        "Type your comment on version {version} of agreement #{id}.",
    ),
    "ask.amend": (
        "Typ de nieuwe tekst voor afspraak #{id}; die wordt versie {next}.",
        "Type the new wording for agreement #{id}; it becomes version {next}.",
    ),
    "ask.renegotiate": (
        "Typ de nieuwe tekst die je wilt voorstellen voor afspraak #{id}. Tot jullie allebei "
        "tekenen, blijft de ondertekende versie gelden.",
        "Type the new wording you want to propose for agreement #{id}. Until you both sign, "
        "the signed version stays in force.",
    ),
    "ask.current_text": ("De huidige tekst:", "The current wording:"),
    "ask.close": (
        "Waarom is afspraak #{id} afgerond? Typ een korte reden.",
        "Why is agreement #{id} completed? Type a short reason.",
    ),
    "ask.drop": (
        "Waarom laat je afspraak #{id} vervallen? Typ een korte reden.",
        "Why are you dropping agreement #{id}? Type a short reason.",
    ),
    "ask.follow_up_comment": (
        "Typ je toelichting bij je antwoord over afspraak #{id}.",
        "Type your comment on your answer about agreement #{id}.",
    ),
    # -- follow-up
    "follow_up.intro": (
        "Tijd voor de opvolging van deze afspraak. Jullie krijgen deze vraag allebei, los "
        "van elkaar:",
        "Time to follow up this agreement. You are both asked this, separately:",
    ),
    "follow_up.intro_checkin.employee": (
        "Je gaf in een check-in aan dat er iets niet is nagekomen van wat jullie afspraken. "
        "Daarom komt deze opvolging nu, niet pas op het gewone moment. Jullie krijgen deze "
        "vraag allebei, los van elkaar:",
        "You said in a check-in that something you agreed was not kept. So this follow-up "
        "comes now, not at its usual time. You are both asked this, separately:",
    ),
    "follow_up.intro_checkin.manager": (
        "{employee} gaf in een check-in aan dat er iets niet is nagekomen van wat jullie "
        "afspraken. Daarom komt deze opvolging nu, niet pas op het gewone moment. Jullie "
        "krijgen deze vraag allebei, los van elkaar:",
        "{employee} said in a check-in that something you agreed was not kept. So this "
        "follow-up comes now, not at its usual time. You are both asked this, separately:",
    ),
    "follow_up.question": (
        "Loopt deze afspraak met {name} zoals bedoeld?",
        "Is this agreement with {name} on track?",
    ),
    "follow_up.hint": (
        "Antwoord met een nummer van 1 tot {count}, of met de naam van je keuze.",
        "Answer with a number from 1 to {count}, or with the name of your choice.",
    ),
    "follow_up.thanks": ("Dank je, je antwoord is bewaard.", "Thank you, your answer is saved."),
    "follow_up.comment_hint": (
        "Wil je het toelichten? Typ 'toelichting toevoegen'.",
        "Want to explain it? Type 'add a comment'.",
    ),
    "follow_up.waiting": (
        "Als {name} ook heeft geantwoord, leggen we jullie antwoorden naast elkaar.",
        "When {name} has answered too, I'll compare your answers.",
    ),
    "follow_up.already": (
        "Deze opvolging heb je al beantwoord.",
        "You already answered this follow-up.",
    ),
    "follow_up.comment_saved": ("Je toelichting is bewaard.", "Your comment is saved."),
    "follow_up.not_running": (
        "Deze afspraak loopt niet meer; je antwoord is bewaard.",
        "This agreement is no longer running; your answer is saved.",
    ),
    "outcome.on_track": (
        "Jullie zien het allebei zo: deze afspraak loopt zoals afgesproken.",
        "You both see it the same way: this agreement is on track.",
    ),
    "outcome.partly": (
        "{employee}: {employee_answer}. {manager}: {manager_answer}.",
        "{employee}: {employee_answer}. {manager}: {manager_answer}.",
    ),
    "outcome.perception_gap": (
        "Jullie kijken verschillend naar deze afspraak. {employee}: {employee_answer}. "
        "{manager}: {manager_answer}. Bespreek het binnenkort samen: wat zie je, wat heb je nodig?",
        "You see this agreement differently. {employee}: {employee_answer}. "
        "{manager}: {manager_answer}. Talk about it soon: what do you each see, what do you need?",
    ),
    "outcome.not_kept": (
        "Deze afspraak wordt als niet nagekomen gemeld. {employee}: {employee_answer}. "
        "{manager}: {manager_answer}. Bespreek samen wat er nodig is, of pas de afspraak aan.",
        "This agreement is reported as not kept. {employee}: {employee_answer}. "
        "{manager}: {manager_answer}. Talk about what is needed, or change the agreement.",
    ),
    "outcome.no_longer_relevant": (
        "Volgens {employee} of {manager} is deze afspraak niet meer van toepassing. "
        "Rond hem af of bespreek een nieuwe versie.",
        "According to {employee} or {manager} this agreement is no longer relevant. "
        "Close it or renegotiate it.",
    ),
    # -- the overview for the digest and the home view
    "attention.title": ("Afspraken die aandacht vragen", "Agreements that need attention"),
    "attention.none": ("Geen afspraken die aandacht vragen.", "No agreements need attention."),
    "attention.perception_gap": (
        "#{id} {category} ({employee}): verschil in beleving. {employee}: {employee_answer}; "
        "{manager}: {manager_answer}",
        "#{id} {category} ({employee}): perception gap. {employee}: {employee_answer}; "
        "{manager}: {manager_answer}",
    ),
    "attention.not_kept": (
        "#{id} {category} ({employee}): gemeld als niet nagekomen. {employee}: "
        "{employee_answer}; {manager}: {manager_answer}",
        "#{id} {category} ({employee}): reported as not kept. {employee}: "
        "{employee_answer}; {manager}: {manager_answer}",
    ),
    "attention.checkin": (
        "#{id} {category} ({employee}): op {day} in een check-in gemeld als niet nagekomen; "
        "de opvolging is vervroegd. {employee}: {employee_answer}; {manager}: {manager_answer}",
        "#{id} {category} ({employee}): reported as not kept in a check-in on {day}; the "
        "follow-up was brought forward. {employee}: {employee_answer}; {manager}: "
        "{manager_answer}",
    ),
    "attention.unanswered": (
        "#{id} {category} ({employee}): opvolging niet beantwoord door {missing}",
        "#{id} {category} ({employee}): follow-up not answered by {missing}",
    ),
    # -- the transparency register for HR
    "register.title": (
        "Register van afspraken (geanonimiseerd)",
        "Register of agreements (anonymous)",
    ),
    "register.counts": (
        "Aantal medewerkers per onderwerp en status:",
        "Number of employees by topic and status:",
    ),
    "register.suppressed": ("minder dan {min}", "fewer than {min}"),
    "register.none": ("(geen)", "(none)"),
    "register.rationales": (
        "Waarom sommige afspraken op maat zijn (i-deals), zonder namen:",
        "Why some arrangements are tailored (i-deals), without names:",
    ),
    "register.rationales_suppressed": (
        "Te weinig i-deals om redenen te tonen zonder dat iemand herkenbaar wordt.",
        "Too few i-deals to show reasons without making someone recognisable.",
    ),
    "register.unnamed": ("(onderwerp niet getoond)", "(topic not shown)"),
    # -- the drafting dialog
    "draft.title": ("Nieuwe afspraak", "New agreement"),
    "draft.intro": (
        "We stellen samen een afspraak op voor je derde contract: wat jullie, naast je "
        "arbeidscontract en de cao, met elkaar afspreken.",
        "Let's draft an agreement for your third contract: what the two of you agree, "
        "beyond your employment contract and the collective agreement.",
    ),
    "draft.your_turn": (
        "Dit jaar ben jij aan de beurt om de eerste versie te schrijven; {name} reageert "
        "erop. Het schrijven wisselt elk jaar.",
        "This year it is your turn to write the first version; {name} responds to it. "
        "The drafter alternates every year.",
    ),
    "draft.their_turn": (
        "Dit jaar is {name} aan de beurt om de eerste versie te schrijven (het wisselt elk "
        "jaar). Je kunt toch beginnen; spreek het even af.",
        "This year it is {name}'s turn to write the first version (it alternates every "
        "year). You can still start; agree on it together.",
    ),
    "draft.no_counterpart": (
        "Je hebt geen leidinggevende en geen medewerkers in Jaarrond, dus er is niemand om "
        "een afspraak mee te maken. Vraag HR dit aan te passen.",
        "You have no manager and no reports in Jaarrond, so there is nobody to make an "
        "agreement with. Ask HR to update this.",
    ),
    "draft.counterpart": ("Met wie maak je deze afspraak?", "Who is this agreement with?"),
    "draft.category": ("Waar gaat de afspraak over?", "What is the agreement about?"),
    "draft.text": (
        "Schrijf de afspraak op zoals jullie die later allebei willen teruglezen: wat, "
        "hoeveel, wanneer.",
        "Write the agreement as you would both want to read it back later: what, how much, when.",
    ),
    "draft.text_hint": ("Typ je tekst.", "Type your text."),
    "draft.text_agency": (
        "Uitzendbureau {agency} is partij bij loon en contract: begin een regel met 'bureau:' "
        "voor een afspraak van het bureau (of 'leidinggevende:' voor een van de "
        "leidinggevende); bij het onderwerp Beloning is de tekst al van het bureau. Het "
        "bureau leest en tekent alleen zijn eigen afspraken, per e-mail.",
        "The agency {agency} is party to pay and the contract: start a line with 'agency:' for "
        "a term of the agency's (or 'manager:' for one of the manager's); under the topic Pay "
        "the text is the agency's already. The agency reads and signs only its own terms, by "
        "e-mail.",
    ),
    "draft.too_long": (
        "Dat is langer dan {max} tekens; maak het korter.",
        "That is longer than {max} characters; please shorten it.",
    ),
    "draft.i_deal": (
        "Is dit een i-deal: een afspraak op maat die afwijkt van wat voor collega's geldt?",
        "Is this an i-deal: a tailored arrangement that differs from what applies to colleagues?",
    ),
    "draft.rationale": (
        "Waarom is deze afwijkende afspraak goed voor jullie allebei? De reden komt (zonder "
        "naam) in het register, zodat collega's zien dat het eerlijk is.",
        "Why is this non-standard arrangement good for you both? The reason goes (without a "
        "name) into the register, so colleagues can see it is fair.",
    ),
    "draft.review": (
        "Wanneer evalueren jullie de afspraak?",
        "When will you review the agreement?",
    ),
    "draft.review_in": ("Over {months} maanden", "In {months} months"),
    "draft.review_hint": (
        "Antwoord met een nummer van 1 tot {count}, of typ een datum (30-9-2027).",
        "Answer with a number from 1 to {count}, or type a date (9/30/2027).",
    ),
    "draft.invalid_date": (
        "Dat is geen datum die ik begrijp; typ bijvoorbeeld 30-9-2027 (dag, maand, jaar) of "
        "2027-09-30.",
        "I don't understand that date; type for example 9/30/2027 (month, day, year) or "
        "2027-09-30.",
    ),
    "draft.no_such_day": (
        "Die datum bestaat niet (dag, maand, jaar); kies een dag die bestaat.",
        "That date does not exist (month, day, year); choose a day that does.",
    ),
    "draft.date_range": (
        "Kies een datum in de toekomst, binnen vijf jaar.",
        "Choose a date in the future, within five years.",
    ),
    "draft.cadence": (
        "Hoe vaak vraag ik jullie allebei of de afspraak loopt?",
        "How often shall I ask you both whether the agreement is on track?",
    ),
    "draft.confirm": (
        "Klopt dit? Stel het voor aan {name}, of bewaar het als concept.",
        "Is this right? Propose it to {name}, or save it as a draft.",
    ),
    "draft.propose": ("Voorstellen", "Propose"),
    "draft.save": ("Bewaren als concept", "Save as draft"),
    "draft.cancel": ("Weggooien", "Discard"),
    "draft.invalid_choice": (
        "'{answer}' is geen van de keuzes.",
        "'{answer}' is not one of the options.",
    ),
    "draft.cancelled": ("De nieuwe afspraak is weggegooid.", "The new agreement is discarded."),
    # -- the signed document
    "doc.title": ("Derde contract van {name}", "Third contract of {name}"),
    "doc.generated": ("Opgemaakt op {day}.", "Generated on {day}."),
    "doc.intro": (
        "Dit zijn de afspraken die {name} en de leidinggevende allebei hebben ondertekend, "
        "naast het arbeidscontract en de cao. Elke afspraak staat hier in de ondertekende "
        "versie, met de handtekeningen en de eerdere versies.",
        "These are the agreements that {name} and their manager both signed, beyond the "
        "employment contract and the collective agreement. Each one appears in its signed "
        "version, with the signatures and the earlier versions.",
    ),
    "doc.none": ("Er zijn nog geen ondertekende afspraken.", "There are no signed agreements yet."),
    "doc.agreement": (
        "Afspraak {id}: {category}",
        "Agreement {id}: {category}",
    ),
    "doc.meta": (
        "Status: {status}. Ondertekende versie: {version}. Ingangsdatum: {start}.",
        "Status: {status}. Signed version: {version}. Start date: {start}.",
    ),
    "doc.renegotiating": (
        "Er ligt een nieuwe versie ({version}) ter bespreking; tot die ondertekend is, geldt "
        "de versie hieronder.",
        "A new version ({version}) is being discussed; until it is signed, the version below "
        "applies.",
    ),
    "doc.signatures": ("Handtekeningen", "Signatures"),
    "doc.signature_line": (
        "{name} ({role}), {day}",
        "{name} ({role}), {day}",
    ),
    "doc.versions": ("Versies", "Versions"),
    "doc.version_line": (
        "Versie {number} door {author}, {day}",
        "Version {number} by {author}, {day}",
    ),
    "doc.replaced_chars": (
        "Let op: enkele tekens staan niet in het lettertype van deze PDF; ze staan er met hun "
        "naam tussen vierkante haken. De Markdown-export bevat de exacte tekst.",
        "Note: some characters are not in this PDF's font; they are written by their name in "
        "square brackets. The Markdown export holds the exact text.",
    ),
}
AGREEMENT_CATALOG = Catalog(_TEXTS)


ta = AGREEMENT_CATALOG.text

//! The emails Precinct sends, in the recipient's language (English or French), as plain text
//! and simple HTML.

use precinct_core::api::Language;

/// Subject, text body and HTML body.
pub struct Email {
    pub subject: String,
    pub text: String,
    pub html: String,
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

fn html(paragraphs: &[String], link: Option<(&str, &str)>) -> String {
    let mut out = String::from("<!doctype html><html><body style=\"font-family:sans-serif\">");
    for paragraph in paragraphs {
        out.push_str(&format!("<p>{}</p>", escape(paragraph)));
    }
    if let Some((url, label)) = link {
        out.push_str(&format!(
            "<p><a href=\"{}\">{}</a></p>",
            escape(url),
            escape(label)
        ));
    }
    out.push_str("</body></html>");
    out
}

pub fn test_email(language: Language, name: &str, account: &str) -> Email {
    let (subject, lines) = match language {
        Language::En => (
            "Precinct test email".to_string(),
            vec![format!("Hello {name},"), format!("This test email from {account} shows that your email configuration works.")],
        ),
        Language::Fr => (
            "Courriel de test Precinct".to_string(),
            vec![format!("Bonjour {name},"), format!("Ce courriel de test de {account} montre que votre configuration de messagerie fonctionne.")],
        ),
    };
    Email {
        text: lines.join("\n\n"),
        html: html(&lines, None),
        subject,
    }
}

/// An invitation (`reset` false) or a password reset link.
pub fn password_link(
    language: Language,
    name: &str,
    account: &str,
    url: &str,
    reset: bool,
    valid_hours: i64,
) -> Email {
    let (subject, lines, label) = match (language, reset) {
        (Language::En, false) => (
            format!("You are invited to Precinct ({account})"),
            vec![
                format!("Hello {name},"),
                format!("An administrator of {account} created your Precinct account. Choose your password with this link, valid for {valid_hours} hours and usable once:"),
            ],
            "Choose my password",
        ),
        (Language::En, true) => (
            "Reset your Precinct password".to_string(),
            vec![
                format!("Hello {name},"),
                format!("Someone asked to reset your Precinct password for {account}. Choose a new one with this link, valid for {valid_hours} hour(s) and usable once. If it was not you, ignore this email."),
            ],
            "Choose a new password",
        ),
        (Language::Fr, false) => (
            format!("Vous êtes invité sur Precinct ({account})"),
            vec![
                format!("Bonjour {name},"),
                format!("Un administrateur de {account} a créé votre compte Precinct. Choisissez votre mot de passe avec ce lien, valable {valid_hours} heures et utilisable une seule fois :"),
            ],
            "Choisir mon mot de passe",
        ),
        (Language::Fr, true) => (
            "Réinitialiser votre mot de passe Precinct".to_string(),
            vec![
                format!("Bonjour {name},"),
                format!("Quelqu'un a demandé la réinitialisation de votre mot de passe Precinct pour {account}. Choisissez-en un nouveau avec ce lien, valable {valid_hours} heure(s) et utilisable une seule fois. Si ce n'était pas vous, ignorez ce courriel."),
            ],
            "Choisir un nouveau mot de passe",
        ),
    };
    let mut text = lines.join("\n\n");
    text.push_str(&format!("\n\n{url}\n"));
    Email {
        html: html(&lines, Some((url, label))),
        text,
        subject,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn invitation_is_in_the_users_language_with_the_link_in_both_bodies() {
        let en = password_link(
            Language::En,
            "Ana",
            "Acme",
            "https://p.example/set-password?token=abc",
            false,
            168,
        );
        let fr = password_link(
            Language::Fr,
            "Ana",
            "Acme",
            "https://p.example/set-password?token=abc",
            false,
            168,
        );
        assert!(en.subject.contains("invited"));
        assert!(fr.subject.contains("invité"));
        for email in [&en, &fr] {
            assert!(email.text.contains("token=abc"));
            assert!(email
                .html
                .contains("href=\"https://p.example/set-password?token=abc\""));
        }
    }

    #[test]
    fn names_are_escaped_in_html() {
        let email = test_email(Language::En, "<script>", "Acme & Co");
        assert!(!email.html.contains("<script>"));
        assert!(email.html.contains("Acme &amp; Co"));
    }
}

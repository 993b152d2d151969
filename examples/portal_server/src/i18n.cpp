#include "i18n.hpp"

#include <algorithm>
#include <cctype>
#include <stdexcept>

namespace portal {

namespace {

struct Text {
    const char* key;
    const char* en;
    const char* es;
};

constexpr Text kTexts[] = {
    {"sign_in_title", "Sign in", "Iniciar sesión"},
    {"identifier_label", "Phone number or email", "Número de teléfono o correo electrónico"},
    {"identifier_hint", "We will send you a one-time code.", "Le enviaremos un código de un solo uso."},
    {"login_button", "Log in", "Iniciar sesión"},
    {"auth_disabled", "Sign-in is not offered on this portal.", "Este portal no ofrece inicio de sesión."},
    {"switch_language", "Español", "English"},
    {"err_identifier_empty", "Enter your phone number or email.",
     "Escriba su número de teléfono o su correo electrónico."},
    {"err_identifier_invalid", "That is not a phone number or an email address. Check it and try again.",
     "Eso no es un número de teléfono ni un correo electrónico. Revíselo e inténtelo de nuevo."},
    {"err_contact_unknown",
     "We could not find that phone number or email. Check your information or contact the agency.",
     "No encontramos ese número de teléfono o correo electrónico. Revise sus datos o comuníquese con la "
     "agencia."},
    {"err_contact_ineligible", "We cannot send a code to that phone number or email. Contact the agency.",
     "No podemos enviar un código a ese número de teléfono o correo electrónico. Comuníquese con la agencia."},
    {"err_rate_limited", "Too many attempts. Wait {seconds} seconds and try again.",
     "Demasiados intentos. Espere {seconds} segundos e inténtelo de nuevo."},
    {"err_channel_unavailable", "Codes cannot be sent right now. Try again later or contact the agency.",
     "No se pueden enviar códigos en este momento. Inténtelo más tarde o comuníquese con la agencia."},
    {"err_auth_disabled", "Sign-in is not offered on this portal right now.",
     "Este portal no ofrece inicio de sesión en este momento."},
    {"err_generic", "Something went wrong on our side. Try again in a few minutes.",
     "Algo salió mal de nuestro lado. Inténtelo de nuevo en unos minutos."},
    {"verify_title", "Enter your code", "Escriba su código"},
    {"verify_sent", "We sent a code to {destination}.", "Enviamos un código a {destination}."},
    {"code_label", "Code", "Código"},
    {"code_hint", "The code is in the message we sent you.", "El código está en el mensaje que le enviamos."},
    {"verify_button", "Continue", "Continuar"},
    {"resend_button", "Send a new code", "Enviar un código nuevo"},
    {"resent", "We sent a new code to {destination}.", "Enviamos un código nuevo a {destination}."},
    {"err_code_empty", "Enter the code from your message.", "Escriba el código de su mensaje."},
    {"err_code_wrong", "That code is not right. You have {tries} tries left.",
     "Ese código no es correcto. Le quedan {tries} intentos."},
    {"err_code_wrong_one", "That code is not right. You have 1 try left.",
     "Ese código no es correcto. Le queda 1 intento."},
    {"err_code_expired", "That code has expired. Send a new one.", "Ese código venció. Pida uno nuevo."},
    {"err_code_locked", "Too many wrong tries for this code. Send a new one.",
     "Demasiados intentos incorrectos con este código. Pida uno nuevo."},
    {"start_over", "Use a different phone number or email", "Usar otro número de teléfono o correo electrónico"},
    {"login_expired", "Your sign-in has timed out. Start again.", "Su inicio de sesión venció. Empiece de nuevo."},
    {"choose_title", "Who is signing in?", "¿Quién inicia sesión?"},
    {"choose_legend", "This phone number or email belongs to more than one person. Choose your name.",
     "Este número de teléfono o correo electrónico pertenece a más de una persona. Elija su nombre."},
    {"choose_button", "Continue", "Continuar"},
    {"err_choose_none", "Choose your name from the list.", "Elija su nombre de la lista."},
    {"dashboard_title", "Your portal", "Su portal"},
    {"events_heading", "Upcoming dates", "Próximas fechas"},
    {"no_events", "You have no upcoming dates.", "No tiene fechas próximas."},
    {"cases_heading", "Your cases", "Sus casos"},
    {"no_cases", "You have no cases on file.", "No tiene casos registrados."},
    {"documents_heading", "Your documents", "Sus documentos"},
    {"no_documents", "You have no documents.", "No tiene documentos."},
    {"col_date", "Date", "Fecha"},
    {"col_time", "Time", "Hora"},
    {"col_type", "Type", "Tipo"},
    {"col_location", "Location", "Lugar"},
    {"col_judge", "Judge", "Juez"},
    {"col_status", "Status", "Estado"},
    {"col_case_number", "Case number", "Número de caso"},
    {"col_charges", "Charges", "Cargos"},
    {"col_name", "Name", "Nombre"},
    {"col_due", "Due", "Fecha límite"},
    {"logout_button", "Log out", "Cerrar sesión"},
    {"forbidden_title", "This form has expired", "Este formulario venció"},
    {"forbidden_text", "For your safety the form was not sent. Go back to the start page and try again.",
     "Por su seguridad, el formulario no se envió. Vuelva a la página de inicio e inténtelo de nuevo."},
    {"not_found_title", "Page not found", "Página no encontrada"},
    {"not_found_text", "There is no page at this address.", "No hay ninguna página en esta dirección."},
    {"home_link", "Go to the start page", "Ir a la página de inicio"},
    {"bad_request_title", "Request not understood", "Solicitud no entendida"},
    {"download_hint", "download, {size}", "descargar, {size}"},
    {"gated_unavailable_title", "Not available", "No disponible"},
    {"gated_unavailable_text", "This page needs sign-in, and sign-in is not offered on this portal right now. Contact the agency.",
     "Esta página requiere iniciar sesión, y este portal no ofrece inicio de sesión en este momento. Comuníquese con la agencia."},
    {"calendar_sign_in", "Sign in to see your own dates", "Inicie sesión para ver sus propias fechas"},
    {"form_text", "{agency} provides this form. Ask them how to fill it in and return it.",
     "{agency} ofrece este formulario. Pregúnteles cómo llenarlo y entregarlo."},
    {"profile_title", "Your profile", "Su perfil"},
    {"profile_fixed_heading", "On file", "Registrado"},
    {"profile_fixed_hint", "Only the agency can change these. Contact them if something is wrong.",
     "Solo la agencia puede cambiar estos datos. Comuníquese con ella si algo está mal."},
    {"profile_edit_heading", "You can change", "Puede cambiar"},
    {"save_button", "Save", "Guardar"},
    {"saved", "Saved", "Guardado"},
    {"err_profile_read_only", "{field} cannot be changed here. Contact the agency to change it; nothing was saved.",
     "{field} no se puede cambiar aquí. Comuníquese con la agencia para cambiarlo; no se guardó nada."},
    {"err_profile_invalid", "{field} is not valid. Check it and try again; nothing was saved.",
     "{field} no es válido. Revíselo e inténtelo de nuevo; no se guardó nada."},
    {"field_first_name", "First name", "Nombre"},
    {"field_middle_name", "Middle name", "Segundo nombre"},
    {"field_last_name", "Last name", "Apellido"},
    {"field_dob", "Date of birth", "Fecha de nacimiento"},
    {"field_gender", "Gender", "Género"},
    {"field_language", "Language", "Idioma"},
    {"field_client_reference", "Reference number", "Número de referencia"},
    {"field_type", "Type", "Tipo"},
    {"field_group", "Group", "Grupo"},
    {"field_status", "Status", "Estado"},
    {"field_phone", "Phone", "Teléfono"},
    {"field_email", "Email", "Correo electrónico"},
    {"uploads_title", "Your uploads", "Sus archivos"},
    {"uploads_sent_heading", "Files you sent", "Archivos que envió"},
    {"uploads_none", "You have not sent any files yet.", "Todavía no ha enviado ningún archivo."},
    {"upload_heading", "Send a file", "Enviar un archivo"},
    {"uploads_off", "This portal does not take files. Contact the agency to send them another way.",
     "Este portal no recibe archivos. Comuníquese con la agencia para enviarlos de otra forma."},
    {"upload_file_label", "File", "Archivo"},
    {"upload_hint", "{types}, up to {size}.", "{types}, hasta {size}."},
    {"upload_kind_label", "What is it?", "¿Qué es?"},
    {"upload_kind_photo", "Photo", "Foto"},
    {"upload_kind_document", "Document", "Documento"},
    {"upload_button", "Upload", "Subir"},
    {"upload_done", "Uploaded: {name}.", "Archivo subido: {name}."},
    {"col_size", "Size", "Tamaño"},
    {"err_upload_form", "The file did not arrive whole. Choose it again and press Upload.",
     "El archivo no llegó completo. Elíjalo de nuevo y pulse Subir."},
    {"err_upload_no_file", "Choose a file to upload.", "Elija un archivo para subir."},
    {"err_upload_empty", "That file is empty. Choose another one.", "Ese archivo está vacío. Elija otro."},
    {"err_upload_kind", "Choose what the file is: a photo or a document.", "Elija qué es el archivo: una foto o un documento."},
    {"err_upload_kind_off", "This portal does not take uploads of this kind ({kind}). Contact the agency.",
     "Este portal no recibe archivos de este tipo ({kind}). Comuníquese con la agencia."},
    {"err_upload_size", "That file is too large. Choose one of at most {size}, or make it smaller first.",
     "Ese archivo es demasiado grande. Elija uno de {size} como máximo, o hágalo más pequeño primero."},
    {"err_upload_type", "That file type is not accepted here. Send {types}.",
     "Ese tipo de archivo no se acepta aquí. Envíe {types}."},
    {"nav_label", "Portal links", "Enlaces del portal"},
    {"notice_signed_out", "You have signed out.", "Ha cerrado la sesión."},
    {"notice_sign_in_first", "Sign in to see this page.", "Inicie sesión para ver esta página."},
    {"just_sent", "We just sent a code to {destination}: enter it, or ask for a new one in {countdown} s.",
     "Acabamos de enviar un código a {destination}: escríbalo, o pida uno nuevo en {countdown} s."},
    {"just_sent_elsewhere",
     "We just sent a code to that phone number or email: enter it on the page where you asked for it, or ask "
     "for a new one in {seconds} s.",
     "Acabamos de enviar un código a ese número de teléfono o correo electrónico: escríbalo en la página donde "
     "lo pidió, o pida uno nuevo en {seconds} s."},
    {"resend_in", "You can ask for a new code in {countdown} s.", "Puede pedir un código nuevo en {countdown} s."},
    {"code_expires_minutes", "The code works for {minutes} more minutes.",
     "El código sirve durante {minutes} minutos más."},
    {"code_expires_minute", "The code works for 1 more minute.", "El código sirve durante 1 minuto más."},
    {"code_expired_now", "This code has expired: send a new one.", "Este código venció: pida uno nuevo."},
    {"welcome_first", "Welcome, {name}", "Le damos la bienvenida, {name}"},
    {"welcome_back", "Welcome back, {name}", "Hola de nuevo, {name}"},
    {"not_on_file", "Not on file", "Sin registrar"},
    {"language_en", "English", "Inglés"},
    {"language_es", "Spanish (Español)", "Español"},
    {"language_choice_hint", "The language of this portal and of the messages we send you.",
     "El idioma de este portal y de los mensajes que le enviamos."},
};

// Words the agency's records use often, in the client's language: statuses, and the demo's event,
// case and document types and sidebar titles. A value not listed is shown as the agency wrote it.
struct Term {
    const char* value;  // as stored, compared without regard to case
    const char* en;
    const char* es;
};

constexpr Term kTerms[] = {
    {"scheduled", "Scheduled", "Programada"},
    {"cancelled", "Cancelled", "Cancelada"},
    {"canceled", "Cancelled", "Cancelada"},
    {"completed", "Completed", "Realizada"},
    {"rescheduled", "Rescheduled", "Reprogramada"},
    {"open", "Open", "Abierto"},
    {"closed", "Closed", "Cerrado"},
    {"pending", "Pending", "Pendiente"},
    {"signed", "Signed", "Firmado"},
    {"received", "Received", "Recibido"},
    {"hearing", "Hearing", "Audiencia"},
    {"appointment", "Appointment", "Cita"},
    {"pretrial hearing", "Pretrial hearing", "Audiencia preliminar"},
    {"check-in appointment", "Check-in appointment", "Cita de presentación"},
    {"arraignment", "Arraignment", "Lectura de cargos"},
    {"trial", "Trial", "Juicio"},
    {"sentencing", "Sentencing", "Sentencia"},
    {"criminal", "Criminal", "Penal"},
    {"civil", "Civil", "Civil"},
    {"traffic", "Traffic", "Tránsito"},
    {"order", "Order", "Orden"},
    {"notice", "Notice", "Aviso"},
    {"court information", "Court information", "Información del tribunal"},
    {"hearing calendar", "Hearing calendar", "Calendario de audiencias"},
    {"check-in form", "Check-in form", "Formulario de presentación"},
    {"conditions of release", "Conditions of release", "Condiciones de libertad"},
};

constexpr const char* kMonthsEn[] = {"January", "February", "March",     "April",   "May",      "June",
                                     "July",    "August",   "September", "October", "November", "December"};
constexpr const char* kMonthsEs[] = {"enero", "febrero", "marzo",      "abril",   "mayo",      "junio",
                                     "julio", "agosto",  "septiembre", "octubre", "noviembre", "diciembre"};
constexpr const char* kDaysEn[] = {"Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"};
constexpr const char* kDaysEs[] = {"domingo", "lunes", "martes", "miércoles", "jueves", "viernes", "sábado"};

bool all_digits(std::string_view text) {
    return !text.empty() && std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; });
}

int number(std::string_view digits) {
    int n = 0;
    for (const char c : digits) n = n * 10 + (c - '0');
    return n;
}

// Days from 1970-01-01 to a proleptic Gregorian date.
long long days_from_civil(int y, int m, int d) {
    y -= m <= 2 ? 1 : 0;
    const long long era = (y >= 0 ? y : y - 399) / 400;
    const long long yoe = y - era * 400;
    const long long doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    const long long doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

const Text& find(std::string_view key) {
    for (const auto& t : kTexts)
        if (key == t.key) return t;
    throw std::out_of_range("no text for key " + std::string(key));
}

}  // namespace

std::string_view lang_code(Lang lang) { return lang == Lang::es ? "es" : "en"; }

bool parse_lang(std::string_view text, Lang& out) {
    std::string lower;
    for (char c : text.substr(0, 2)) lower += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    if (text.size() != 2 && !(text.size() > 2 && (text[2] == '-' || text[2] == '_'))) return false;
    if (lower == "es") {
        out = Lang::es;
        return true;
    }
    if (lower == "en") {
        out = Lang::en;
        return true;
    }
    return false;
}

std::string tr(Lang lang, std::string_view key,
               std::initializer_list<std::pair<std::string_view, std::string>> values) {
    const Text& t = find(key);
    std::string s = lang == Lang::es ? t.es : t.en;
    for (const auto& [name, value] : values) {
        const std::string mark = "{" + std::string(name) + "}";
        for (auto pos = s.find(mark); pos != std::string::npos; pos = s.find(mark, pos + value.size()))
            s.replace(pos, mark.size(), value);
    }
    return s;
}

std::string shown_title(Lang lang, const std::map<std::string, std::string>& titles, const std::string& title) {
    auto given = titles.find(std::string(lang_code(lang)));
    if (given != titles.end()) return given->second;
    return term(lang, title);
}

std::string term(Lang lang, std::string_view value) {
    std::string lower;
    for (const char c : value) lower += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    for (const auto& t : kTerms)
        if (lower == t.value) return lang == Lang::es ? t.es : t.en;
    return std::string(value);
}

std::string format_date(Lang lang, std::string_view iso) {
    if (iso.size() != 10 || iso[4] != '-' || iso[7] != '-' || !all_digits(iso.substr(0, 4)) ||
        !all_digits(iso.substr(5, 2)) || !all_digits(iso.substr(8, 2)))
        return std::string(iso);
    const int y = number(iso.substr(0, 4));
    const int m = number(iso.substr(5, 2));
    const int d = number(iso.substr(8, 2));
    if (m < 1 || m > 12 || d < 1 || d > 31) return std::string(iso);
    const long long days = days_from_civil(y, m, d);
    const auto weekday = static_cast<std::size_t>(((days % 7) + 11) % 7);  // 1970-01-01 was a Thursday
    const std::string day = std::to_string(d);
    const std::string year = std::to_string(y);
    if (lang == Lang::es)
        return std::string(kDaysEs[weekday]) + ", " + day + " de " + kMonthsEs[m - 1] + " de " + year;
    return std::string(kDaysEn[weekday]) + ", " + kMonthsEn[m - 1] + " " + day + ", " + year;
}

std::string format_time(Lang lang, std::string_view hhmm) {
    if (hhmm.size() != 5 || hhmm[2] != ':' || !all_digits(hhmm.substr(0, 2)) || !all_digits(hhmm.substr(3, 2)))
        return std::string(hhmm);
    const int h = number(hhmm.substr(0, 2));
    const int m = number(hhmm.substr(3, 2));
    if (h > 23 || m > 59) return std::string(hhmm);
    const std::string minutes = (m < 10 ? "0" : "") + std::to_string(m);
    if (lang == Lang::es) return std::to_string(h) + ":" + minutes;
    return std::to_string(h % 12 == 0 ? 12 : h % 12) + ":" + minutes + (h < 12 ? " AM" : " PM");
}

std::size_t text_count() { return std::size(kTexts); }

bool text_complete(std::size_t index) {
    const Text& t = kTexts[index];
    return t.key && *t.key && t.en && *t.en && t.es && *t.es;
}

}  // namespace portal

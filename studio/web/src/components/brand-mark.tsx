/** The studio's mark and name, as the header and the login page show them (the name is the same in both languages). */
export function BrandMark() {
  return (
    <>
      <svg className="brand-mark" viewBox="0 0 32 32" aria-hidden="true" focusable="false">
        <rect width="32" height="32" rx="7" />
        <path d="M9 21l5-6 4 4 2-2 3 4z" fill="#fff" />
        <circle cx="20" cy="11" r="2.5" fill="#fff" />
      </svg>
      <span className="brand-name">Shotfarm <span lang="zh-CN">影农</span></span>
    </>
  );
}

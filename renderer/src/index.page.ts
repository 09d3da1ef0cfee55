import './index.css';

const app = document.getElementById('app');
if (app) app.textContent = 'CCO dashboard';
